// SPDX-License-Identifier: MIT
#include "config.h"

#include "../queue/json.h"

#include <QJsonArray>

namespace qradio::api {

//! A value to show in snippets: the default, else one that fits the schema.
static QJsonValue exampleFor(const Param &param, const QJsonObject &schema)
{
    if (param.hasDefault())
        return param.defaultValue;
    if (schema.contains(QLatin1String("enum")))
        return schema.value(QLatin1String("enum")).toArray().first();
    const QString type = schema.value(QLatin1String("type")).toString();
    if (type == QLatin1String("integer"))
        return 3;
    if (type == QLatin1String("number"))
        return 3.0;
    if (type == QLatin1String("string"))
        return QStringLiteral("Hello!!");
    if (type == QLatin1String("boolean"))
        return true;
    if (type == QLatin1String("array"))
        return QJsonArray();
    if (type == QLatin1String("object"))
        return QJsonObject();
    return QJsonValue();
}

//! Python literal of a JSON value (True/False/None), for the Python client snippet.
static QString pythonLiteral(const QJsonValue &v)
{
    if (v.isBool())
        return v.toBool() ? QStringLiteral("True") : QStringLiteral("False");
    if (v.isNull() || v.isUndefined())
        return QStringLiteral("None");
    if (v.isArray()) {
        QStringList items;
        for (const QJsonValue &item : v.toArray())
            items.append(pythonLiteral(item));
        return QLatin1Char('[') + items.join(QStringLiteral(", ")) + QLatin1Char(']');
    }
    if (v.isObject()) {
        QStringList items;
        const QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            items.append(QString::fromUtf8(json::python(it.key())) + QStringLiteral(": ") + pythonLiteral(it.value()));
        return QLatin1Char('{') + items.join(QStringLiteral(", ")) + QLatin1Char('}');
    }
    return QString::fromUtf8(json::python(v));
}

static QJsonObject snippets(const EndpointSpec &ep, const QString &root)
{
    QString py = QStringLiteral("from gradio_client import Client\n\nclient = Client(\"%1/\")\nresult = client.predict(\n").arg(root);
    QString js = QStringLiteral("import { Client } from \"@gradio/client\";\n\nconst client = await Client.connect(\"%1/\");\n"
                                "const result = await client.predict(\"/%2\", {")
                     .arg(root, ep.name);
    QJsonArray data;
    for (qsizetype i = 0; i < ep.params.size(); ++i) {
        const QJsonValue example = exampleFor(ep.params[i], parameterSchema(ep, i));
        py += QStringLiteral("    %1=%2,\n").arg(ep.params[i].name, pythonLiteral(example));
        js += QStringLiteral("\n    %1: %2,").arg(ep.params[i].name, QString::fromUtf8(json::compact(example)));
        data.append(example);
    }
    py += QStringLiteral("    api_name=\"/%1\",\n)\nprint(result)").arg(ep.name);
    js += ep.params.isEmpty() ? QStringLiteral("});\n\nconsole.log(result.data);") : QStringLiteral("\n});\n\nconsole.log(result.data);");
    const QString bash =
        QStringLiteral("curl -X POST %1/gradio_api/call/%2 -s -H \"Content-Type: application/json\" -d '{\n  \"data\": %3\n}' \\\n"
                       "  | awk -F'\"' '{ print $4}' \\\n  | read EVENT_ID; curl -N %1/gradio_api/call/%2/$EVENT_ID")
            .arg(root, ep.name, QString::fromUtf8(json::python(data)));
    return {{QStringLiteral("python"), py}, {QStringLiteral("javascript"), js}, {QStringLiteral("bash"), bash}};
}

static QJsonObject typeEntry(const QJsonObject &schema)
{
    return {{QStringLiteral("type"), pythonTypeFromSchema(schema)},
            {QStringLiteral("description"), schema.value(QLatin1String("additional_description")).toString()}};
}

QJsonObject buildInfo(const QList<std::shared_ptr<const EndpointSpec>> &endpoints, const QString &root, bool all)
{
    QJsonObject named;
    for (const auto &ep : endpoints) {
        if (ep->visibility == Visibility::Private || (ep->visibility == Visibility::Undocumented && !all))
            continue;
        QJsonArray parameters;
        for (qsizetype i = 0; i < ep->params.size(); ++i) {
            const Param &p = ep->params[i];
            const QJsonObject schema = parameterSchema(*ep, i);
            QJsonObject entry{{QStringLiteral("label"), ordinal(int(i) + 1)},
                              {QStringLiteral("parameter_name"), p.name},
                              {QStringLiteral("parameter_has_default"), p.hasDefault()},
                              {QStringLiteral("parameter_default"), p.hasDefault() ? p.defaultValue : QJsonValue()},
                              {QStringLiteral("type"), schema},
                              {QStringLiteral("python_type"), QJsonObject{{QStringLiteral("type"), pythonTypeFromSchema(schema)},
                                                                          {QStringLiteral("description"), p.description}}},
                              {QStringLiteral("component"), QStringLiteral("Api")},
                              {QStringLiteral("example_input"), p.hasDefault() ? p.defaultValue : QJsonValue(QStringLiteral("..."))}};
            parameters.append(entry);
        }
        QJsonArray returns;
        for (qsizetype i = 0; i < ep->invoker.returnSchemas.size(); ++i) {
            const QJsonObject schema = returnSchema(*ep, i);
            returns.append(QJsonObject{{QStringLiteral("label"), ordinal(int(i) + 1)},
                                       {QStringLiteral("type"), schema},
                                       {QStringLiteral("python_type"), typeEntry(schema)},
                                       {QStringLiteral("component"), QStringLiteral("Api")}});
        }
        QJsonObject entry{{QStringLiteral("parameters"), parameters},
                          {QStringLiteral("returns"), returns},
                          {QStringLiteral("api_visibility"),
                           ep->visibility == Visibility::Public ? QStringLiteral("public") : QStringLiteral("undocumented")},
                          {QStringLiteral("description"), ep->description}};
        if (!all)
            entry.insert(QStringLiteral("code_snippets"), snippets(*ep, root));
        named.insert(QLatin1Char('/') + ep->name, entry);
    }
    return {{QStringLiteral("named_endpoints"), named}, {QStringLiteral("unnamed_endpoints"), QJsonObject()}};
}

} // namespace qradio::api
