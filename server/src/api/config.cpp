// SPDX-License-Identifier: MIT
#include "config.h"

#include <QCryptographicHash>
#include <QJsonArray>

namespace qradio::api {

static QString firstValue(const QByteArray &header)
{
    return QString::fromUtf8(header.split(',').value(0)).trimmed();
}

QString computeRoot(const Request &request, const QString &routePath, const QString &rootPath)
{
    if (rootPath.startsWith(QLatin1String("http://")) || rootPath.startsWith(QLatin1String("https://"))) {
        QString root = rootPath;
        while (root.endsWith(QLatin1Char('/')))
            root.chop(1);
        return root;
    }
    QUrl base;
    if (request.hasHeader("x-forwarded-host")) {
        base = QUrl(QStringLiteral("http://") + firstValue(request.header("x-forwarded-host")));
    } else {
        base = request.hasHeader("x-gradio-server") ? QUrl(firstValue(request.header("x-gradio-server")))
                                                     : request.url;
        base.setQuery(QString());
        base.setFragment(QString());
        QString path = base.path();
        if (!routePath.isEmpty() && path.endsWith(routePath))
            path.chop(routePath.size());
        base.setPath(path);
    }
    if (firstValue(request.header("x-forwarded-proto")) == QLatin1String("https"))
        base.setScheme(QStringLiteral("https"));
    if (!rootPath.isEmpty() && base.path() != rootPath)
        base.setPath(rootPath);
    QString root = base.toString(QUrl::FullyEncoded);
    while (root.endsWith(QLatin1Char('/')))
        root.chop(1);
    return root;
}

static QJsonObject element(const EndpointSpec &endpoint, QJsonObject schema)
{
    // A batch function takes and returns lists; each call sees one element.
    if (endpoint.batch && schema.contains(QLatin1String("items")))
        return schema.value(QLatin1String("items")).toObject();
    return schema;
}

QJsonObject parameterSchema(const EndpointSpec &endpoint, qsizetype i)
{
    const QJsonArray &choices = endpoint.params.value(i, Param(QString())).choices;
    if (!choices.isEmpty())
        return {{QStringLiteral("enum"), choices}};
    return element(endpoint, endpoint.invoker.paramSchemas.value(i));
}

QJsonObject returnSchema(const EndpointSpec &endpoint, qsizetype i)
{
    return element(endpoint, endpoint.invoker.returnSchemas.value(i));
}

QString ordinal(int n)
{
    const int mod100 = n % 100;
    const char *suffix = (mod100 >= 11 && mod100 <= 13) ? "th"
                         : n % 10 == 1                  ? "st"
                         : n % 10 == 2                  ? "nd"
                         : n % 10 == 3                  ? "rd"
                                                        : "th";
    return QString::number(n) + QLatin1String(suffix);
}

static QString visibilityName(Visibility v)
{
    switch (v) {
    case Visibility::Public: return QStringLiteral("public");
    case Visibility::Undocumented: return QStringLiteral("undocumented");
    case Visibility::Private: return QStringLiteral("private");
    }
    return QStringLiteral("public");
}

static QJsonObject component(int id, const QJsonObject &schema, int position, const QJsonValue &defaultValue)
{
    static const QString classId =
        QString::fromLatin1(QCryptographicHash::hash("qradio.api", QCryptographicHash::Sha256).toHex());
    QJsonObject props{{QStringLiteral("_api_info"), schema},
                      {QStringLiteral("label"), ordinal(position)},
                      {QStringLiteral("name"), QStringLiteral("api")},
                      {QStringLiteral("_selectable"), false}};
    if (!defaultValue.isUndefined() && !defaultValue.isNull())
        props.insert(QStringLiteral("value"), defaultValue);
    return {{QStringLiteral("id"), id},
            {QStringLiteral("type"), QStringLiteral("api")},
            {QStringLiteral("props"), props},
            {QStringLiteral("skip_api"), false},
            {QStringLiteral("component_class_id"), classId},
            {QStringLiteral("key"), QJsonValue()},
            {QStringLiteral("api_info"), schema},
            {QStringLiteral("api_info_as_input"), schema},
            {QStringLiteral("api_info_as_output"), schema},
            {QStringLiteral("example_inputs"),
             defaultValue.isUndefined() || defaultValue.isNull() ? QJsonValue(QStringLiteral("...")) : defaultValue}};
}

QJsonObject buildConfig(const QList<std::shared_ptr<const EndpointSpec>> &endpoints, const ServerOptions &options,
                        const QString &root, qint64 appId)
{
    QJsonArray components;
    QJsonArray dependencies;
    QJsonArray children;
    QJsonArray componentIds;
    QJsonArray dependencyIds;
    int nextId = 1;
    for (const auto &ep : endpoints) {
        QJsonArray inputs;
        QJsonArray outputs;
        for (qsizetype i = 0; i < ep->params.size(); ++i) {
            components.append(component(nextId, parameterSchema(*ep, i), int(i) + 1, ep->params[i].defaultValue));
            inputs.append(nextId++);
        }
        for (qsizetype i = 0; i < ep->invoker.returnSchemas.size(); ++i) {
            components.append(component(nextId, returnSchema(*ep, i), int(i) + 1, QJsonValue::Undefined));
            outputs.append(nextId++);
        }
        for (const QJsonArray *ids : {&inputs, &outputs}) {
            for (const QJsonValue &id : *ids) {
                children.append(QJsonObject{{QStringLiteral("id"), id}});
                componentIds.append(id);
            }
        }
        dependencyIds.append(ep->id);
        dependencies.append(QJsonObject{
            {QStringLiteral("id"), ep->id},
            {QStringLiteral("targets"), QJsonArray()},
            {QStringLiteral("inputs"), inputs},
            {QStringLiteral("outputs"), outputs},
            {QStringLiteral("backend_fn"), true},
            {QStringLiteral("js"), QJsonValue()},
            {QStringLiteral("queue"), ep->queue},
            {QStringLiteral("api_name"), ep->name},
            {QStringLiteral("api_description"), ep->description.isEmpty() ? QJsonValue() : QJsonValue(ep->description)},
            {QStringLiteral("scroll_to_output"), false},
            {QStringLiteral("show_progress"), QStringLiteral("hidden")},
            {QStringLiteral("show_progress_on"), QJsonValue()},
            {QStringLiteral("batch"), ep->batch},
            {QStringLiteral("max_batch_size"), ep->maxBatchSize},
            {QStringLiteral("cancels"), QJsonArray()},
            {QStringLiteral("types"), QJsonObject{{QStringLiteral("generator"), ep->invoker.generator},
                                                  {QStringLiteral("cancel"), false}}},
            {QStringLiteral("collects_event_data"), false},
            {QStringLiteral("trigger_after"), QJsonValue()},
            {QStringLiteral("trigger_only_on_success"), false},
            {QStringLiteral("trigger_only_on_failure"), false},
            {QStringLiteral("trigger_mode"), QStringLiteral("once")},
            {QStringLiteral("api_visibility"), visibilityName(ep->visibility)},
            {QStringLiteral("rendered_in"), QJsonValue()},
            {QStringLiteral("render_id"), QJsonValue()},
            {QStringLiteral("connection"), QStringLiteral("sse")},
            {QStringLiteral("time_limit"), ep->timeLimit ? QJsonValue(*ep->timeLimit) : QJsonValue()},
            {QStringLiteral("stream_every"), ep->streamEvery},
            {QStringLiteral("event_specific_args"), QJsonValue()},
            {QStringLiteral("component_prop_inputs"), QJsonArray()},
            {QStringLiteral("js_implementation"), QJsonValue()},
        });
    }
    const QJsonObject layout{{QStringLiteral("id"), 0}, {QStringLiteral("children"), children}};
    return {
        {QStringLiteral("version"), QString::fromLatin1(kGradioVersion)},
        {QStringLiteral("api_prefix"), QStringLiteral("/gradio_api")},
        {QStringLiteral("mode"), QStringLiteral("server")},
        {QStringLiteral("app_id"), appId},
        {QStringLiteral("dev_mode"), false},
        {QStringLiteral("vibe_mode"), false},
        {QStringLiteral("analytics_enabled"), false},
        {QStringLiteral("components"), components},
        {QStringLiteral("css"), QJsonValue()},
        {QStringLiteral("connect_heartbeat"), false},
        {QStringLiteral("js"), QJsonValue()},
        {QStringLiteral("head"), QJsonValue()},
        {QStringLiteral("title"), options.title},
        {QStringLiteral("space_id"), QJsonValue()},
        {QStringLiteral("enable_queue"), true},
        {QStringLiteral("show_error"), options.showError},
        {QStringLiteral("footer_links"), QJsonArray{QStringLiteral("api")}},
        {QStringLiteral("run_history"), false},
        {QStringLiteral("is_colab"), false},
        // Both clients check a file against it before uploading (null: no limit).
        {QStringLiteral("max_file_size"), options.maxFileSize >= 0 ? QJsonValue(options.maxFileSize) : QJsonValue()},
        {QStringLiteral("stylesheets"), QJsonArray()},
        {QStringLiteral("theme"), QStringLiteral("default")},
        {QStringLiteral("protocol"), QStringLiteral("sse_v3")},
        {QStringLiteral("body_css"), QJsonObject{{QStringLiteral("body_background_fill"), QStringLiteral("white")},
                                                 {QStringLiteral("body_text_color"), QStringLiteral("#1f2937")},
                                                 {QStringLiteral("body_background_fill_dark"), QStringLiteral("#0b0f19")},
                                                 {QStringLiteral("body_text_color_dark"), QStringLiteral("#f3f4f6")}}},
        {QStringLiteral("fill_height"), false},
        {QStringLiteral("fill_width"), false},
        {QStringLiteral("theme_hash"), QStringLiteral("0")},
        {QStringLiteral("pwa"), false},
        {QStringLiteral("pages"), QJsonArray{QJsonArray{QString(), QStringLiteral("Home"), true}}},
        {QStringLiteral("page"), QJsonObject{{QString(), QJsonObject{{QStringLiteral("layout"), layout},
                                                                     {QStringLiteral("components"), componentIds},
                                                                     {QStringLiteral("dependencies"), dependencyIds}}}}},
        {QStringLiteral("mcp_server"), options.mcpServer},
        {QStringLiteral("i18n_translations"), QJsonValue()},
        {QStringLiteral("layout"), layout},
        {QStringLiteral("dependencies"), dependencies},
        {QStringLiteral("username"), QJsonValue()},
        {QStringLiteral("root"), root},
    };
}

} // namespace qradio::api
