// SPDX-License-Identifier: MIT
// The MCP view of the endpoints: listings with their schemas, and results in MCP's shapes.
#include "catalog.h"

#include "../api/arguments.h"
#include "../api/config.h"
#include "../files/filedata.h"
#include "../queue/json.h"

#include <QFile>

namespace qradio::mcp {

// ---- UriTemplate ------------------------------------------------------------------------------

UriTemplate::UriTemplate(const QString &pattern) : m_pattern(pattern)
{
    static const QRegularExpression variable(QStringLiteral("\\{(\\+?)([A-Za-z0-9_.]+)\\}"));
    QString regex = QStringLiteral("^");
    qsizetype pos = 0;
    for (auto it = variable.globalMatch(pattern); it.hasNext();) {
        const auto m = it.next();
        regex += QRegularExpression::escape(pattern.mid(pos, m.capturedStart() - pos));
        regex += m.capturedLength(1) ? QStringLiteral("(.+)") : QStringLiteral("([^/]+)");
        m_variables.append(m.captured(2));
        pos = m.capturedEnd();
    }
    regex += QRegularExpression::escape(pattern.mid(pos)) + QLatin1Char('$');
    if (!m_variables.isEmpty())
        m_regex = QRegularExpression(regex, QRegularExpression::DotMatchesEverythingOption);
}

std::optional<QStringList> UriTemplate::match(const QString &uri) const
{
    if (m_variables.isEmpty())
        return uri == m_pattern ? std::optional<QStringList>(QStringList()) : std::nullopt;
    const auto m = m_regex.match(uri);
    if (!m.hasMatch())
        return std::nullopt;
    QStringList values;
    for (qsizetype i = 1; i <= m_variables.size(); ++i)
        values.append(QUrl::fromPercentEncoding(m.captured(int(i)).toUtf8()));
    return values;
}

// ---- schemas ----------------------------------------------------------------------------------

static const QLatin1String kMarker("x-qradio-mcp");

//! The MCP result type a schema stands for ("content", "tool-result", ...), or empty.
static QString markerOf(const QJsonObject &schema)
{
    return schema.value(kMarker).toString();
}

//! The marker of a list's items, or empty.
static QString itemMarkerOf(const QJsonObject &schema)
{
    return schema.value(QLatin1String("type")) == QLatin1String("array")
        ? markerOf(schema.value(QLatin1String("items")).toObject())
        : QString();
}

//! MCP clients pass files as strings (Gradio's MCP does the same): file schemas become that,
//! wherever they sit (a list of files, an optional file).
static QJsonObject filesAsStrings(const QJsonObject &schema)
{
    if (api::isFileSchema(schema))
        return {{QStringLiteral("type"), QStringLiteral("string")},
                {QStringLiteral("format"), QStringLiteral("Gradio File Input - a data: URL (data:<type>;base64,<data>)")}};
    QJsonObject out = schema;
    if (schema.contains(QLatin1String("items")))
        out.insert(QStringLiteral("items"), filesAsStrings(schema.value(QLatin1String("items")).toObject()));
    for (const char *key : {"oneOf", "anyOf"}) {
        if (!schema.contains(QLatin1String(key)))
            continue;
        QJsonArray members;
        for (const QJsonValue &m : schema.value(QLatin1String(key)).toArray())
            members.append(filesAsStrings(m.toObject()));
        out.insert(QLatin1String(key), members);
    }
    return out;
}

QJsonObject inputSchemaOf(const EndpointSpec &endpoint)
{
    QJsonObject properties;
    QJsonArray required;
    for (qsizetype i = 0; i < endpoint.params.size(); ++i) {
        const Param &p = endpoint.params[i];
        QJsonObject schema = filesAsStrings(api::parameterSchema(endpoint, i)); // as /info shows it, files as strings
        schema.insert(QStringLiteral("description"), p.description);
        if (p.hasDefault() && !p.defaultValue.isNull())
            schema.insert(QStringLiteral("default"), p.defaultValue);
        if (!p.hasDefault())
            required.append(p.name);
        properties.insert(p.name, schema);
    }
    QJsonObject out{{QStringLiteral("type"), QStringLiteral("object")}, {QStringLiteral("properties"), properties}};
    if (!required.isEmpty())
        out.insert(QStringLiteral("required"), required);
    return out;
}

//! Tool names: MCP allows 1-128 of [A-Za-z0-9_.-]; anything else becomes '_'.
static QString toolName(const QString &wanted)
{
    QString name;
    for (const QChar c : wanted) {
        const bool ok = (c >= QLatin1Char('a') && c <= QLatin1Char('z')) || (c >= QLatin1Char('A') && c <= QLatin1Char('Z'))
            || (c >= QLatin1Char('0') && c <= QLatin1Char('9')) || c == QLatin1Char('_') || c == QLatin1Char('-')
            || c == QLatin1Char('.');
        name += ok ? c : QLatin1Char('_');
    }
    if (name.isEmpty())
        name = QStringLiteral("tool");
    return name.left(120);
}

static QString unique(const QString &name, const QHash<QString, qsizetype> &taken)
{
    QString candidate = name;
    for (int n = 1; taken.contains(candidate); ++n)
        candidate = name + QLatin1Char('_') + QString::number(n);
    return candidate;
}

static ToolEntry makeTool(const std::shared_ptr<const EndpointSpec> &endpoint, const McpToolMeta &meta, const QString &name)
{
    ToolEntry tool;
    tool.name = name;
    tool.endpoint = endpoint;
    QJsonObject listing{{QStringLiteral("name"), name}};
    if (!meta.title.isEmpty())
        listing.insert(QStringLiteral("title"), meta.title);
    // Clients (and the conformance suite) want a description; an empty one is not helpful.
    listing.insert(QStringLiteral("description"), endpoint->description.isEmpty()
                                                     ? QStringLiteral("Runs the '%1' endpoint.").arg(endpoint->name)
                                                     : endpoint->description);
    listing.insert(QStringLiteral("inputSchema"), meta.inputSchema.isEmpty() ? inputSchemaOf(*endpoint) : meta.inputSchema);

    const qsizetype returns = endpoint->invoker.returnSchemas.size();
    QJsonObject output;
    if (!meta.outputSchema.isEmpty()) {
        output = meta.outputSchema;
        tool.structured = true;
    } else if (returns == 1 && meta.structured.value_or(true)) {
        const QJsonObject schema = api::returnSchema(*endpoint, 0);
        const bool special = !markerOf(schema).isEmpty() || !itemMarkerOf(schema).isEmpty();
        if (!special && schema.value(QLatin1String("type")) == QLatin1String("object")) {
            output = schema;
            tool.structured = true;
        } else if (!special && meta.structured.value_or(false)) {
            output = {{QStringLiteral("type"), QStringLiteral("object")},
                      {QStringLiteral("properties"), QJsonObject{{QStringLiteral("result"), schema}}},
                      {QStringLiteral("required"), QJsonArray{QStringLiteral("result")}}};
            tool.structured = true;
            tool.wrapResult = true;
        }
    }
    if (!output.isEmpty())
        listing.insert(QStringLiteral("outputSchema"), output);
    if (!meta.annotations.isEmpty())
        listing.insert(QStringLiteral("annotations"), meta.annotations);
    if (!meta.meta.isEmpty())
        listing.insert(QStringLiteral("_meta"), meta.meta);
    tool.listing = listing;
    return tool;
}

Catalog::Catalog(const QList<std::shared_ptr<const EndpointSpec>> &endpoints, const McpRegistryPrivate &registry)
{
    for (const auto &endpoint : endpoints) {
        if (auto resource = registry.resources.value(endpoint.get())) {
            ResourceEntry entry;
            entry.endpoint = endpoint;
            entry.meta = resource;
            entry.uri = UriTemplate(resource->uri);
            QJsonObject listing{{entry.uri.isTemplate() ? QStringLiteral("uriTemplate") : QStringLiteral("uri"), resource->uri},
                                {QStringLiteral("name"), resource->name},
                                {QStringLiteral("mimeType"), resource->mimeType}};
            if (!resource->title.isEmpty())
                listing.insert(QStringLiteral("title"), resource->title);
            if (!endpoint->description.isEmpty())
                listing.insert(QStringLiteral("description"), endpoint->description);
            if (!resource->annotations.isEmpty())
                listing.insert(QStringLiteral("annotations"), resource->annotations);
            entry.listing = listing;
            (entry.uri.isTemplate() ? m_templates : m_resources).append(entry);
            continue;
        }
        if (auto prompt = registry.prompts.value(endpoint.get())) {
            PromptEntry entry;
            entry.name = unique(prompt->name, m_promptIndex);
            entry.endpoint = endpoint;
            entry.meta = prompt;
            QJsonArray arguments;
            for (const Param &p : endpoint->params)
                arguments.append(QJsonObject{{QStringLiteral("name"), p.name},
                                             {QStringLiteral("description"), p.description},
                                             {QStringLiteral("required"), !p.hasDefault()}});
            QJsonObject listing{{QStringLiteral("name"), entry.name},
                                {QStringLiteral("description"),
                                 endpoint->description.isEmpty() ? QStringLiteral("The '%1' prompt.").arg(entry.name)
                                                                 : endpoint->description},
                                {QStringLiteral("arguments"), arguments}};
            if (!prompt->title.isEmpty())
                listing.insert(QStringLiteral("title"), prompt->title);
            entry.listing = listing;
            m_promptIndex.insert(entry.name, m_prompts.size());
            m_prompts.append(entry);
            continue;
        }
        const auto meta = registry.tools.value(endpoint.get());
        if (!meta)
            continue;
        const QString name = unique(toolName(meta->name.isEmpty() ? endpoint->name : meta->name), m_toolIndex);
        m_toolIndex.insert(name, m_tools.size());
        m_tools.append(makeTool(endpoint, *meta, name));
    }
}

const ToolEntry *Catalog::tool(const QString &name) const
{
    const auto it = m_toolIndex.find(name);
    return it == m_toolIndex.end() ? nullptr : &m_tools[*it];
}

const PromptEntry *Catalog::prompt(const QString &name) const
{
    const auto it = m_promptIndex.find(name);
    return it == m_promptIndex.end() ? nullptr : &m_prompts[*it];
}

const ResourceEntry *Catalog::resource(const QString &uri, QStringList *values) const
{
    for (const QList<ResourceEntry> *list : {&m_resources, &m_templates}) {
        for (const ResourceEntry &entry : *list) {
            if (auto matched = entry.uri.match(uri)) {
                *values = *matched;
                return &entry;
            }
        }
    }
    return nullptr;
}

const ResourceEntry *Catalog::resourceTemplate(const QString &uriTemplate) const
{
    for (const QList<ResourceEntry> *list : {&m_templates, &m_resources})
        for (const ResourceEntry &entry : *list)
            if (entry.meta->uri == uriTemplate)
                return &entry;
    return nullptr;
}

QJsonArray Catalog::schemaListing(const QSet<QString> &only) const
{
    QJsonArray out;
    auto add = [&](const QString &name, const QString &description, const EndpointSpec &endpoint, const char *type) {
        if (!only.isEmpty() && !only.contains(name))
            return;
        out.append(QJsonObject{{QStringLiteral("name"), name},
                               {QStringLiteral("description"), description},
                               {QStringLiteral("inputSchema"), inputSchemaOf(endpoint)},
                               {QStringLiteral("meta"), QJsonObject{{QStringLiteral("file_data_present"), false},
                                                                    {QStringLiteral("mcp_type"), QLatin1String(type)},
                                                                    {QStringLiteral("endpoint_name"), endpoint.name}}}});
    };
    for (const ToolEntry &t : m_tools) {
        QJsonObject entry = t.listing;
        if (!only.isEmpty() && !only.contains(t.name))
            continue;
        entry.insert(QStringLiteral("meta"), QJsonObject{{QStringLiteral("file_data_present"), false},
                                                         {QStringLiteral("mcp_type"), QStringLiteral("tool")},
                                                         {QStringLiteral("endpoint_name"), t.endpoint->name}});
        out.append(entry);
    }
    for (const QList<ResourceEntry> *list : {&m_resources, &m_templates})
        for (const ResourceEntry &r : *list)
            add(r.meta->name, r.endpoint->description, *r.endpoint, "resource");
    for (const PromptEntry &p : m_prompts)
        add(p.name, p.listing.value(QLatin1String("description")).toString(), *p.endpoint, "prompt");
    return out;
}

// ---- results ----------------------------------------------------------------------------------

QString textOf(const QJsonValue &value)
{
    if (value.isString())
        return value.toString();
    return QString::fromUtf8(json::compact(value));
}

QJsonObject toolError(const QString &message)
{
    return {{QStringLiteral("content"),
             QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("text")}, {QStringLiteral("text"), message}}}},
            {QStringLiteral("isError"), true}};
}

static QJsonObject textContent(const QString &text)
{
    return {{QStringLiteral("type"), QStringLiteral("text")}, {QStringLiteral("text"), text}};
}

//! A result file: an image (up to kMaxInlineImage) as image content followed by its URL, as
//! Gradio's MCP answers; any other file as its URL.
static QJsonArray fileContent(const QJsonObject &file)
{
    static constexpr qint64 kMaxInlineImage = 8 * 1024 * 1024;
    const QString url = file.value(QLatin1String("url")).toString();
    const QString mime = file.value(QLatin1String("mime_type")).toString();
    const QString path = file.value(QLatin1String("path")).toString();
    static const QStringList images = {QStringLiteral("image/png"), QStringLiteral("image/jpeg"), QStringLiteral("image/gif"),
                                       QStringLiteral("image/webp"), QStringLiteral("image/svg+xml")};
    QFile in(path);
    if (images.contains(mime) && in.size() <= kMaxInlineImage && in.open(QIODevice::ReadOnly)) {
        const QByteArray data = in.readAll();
        return {QJsonObject{{QStringLiteral("type"), QStringLiteral("image")},
                            {QStringLiteral("data"), QString::fromLatin1(data.toBase64())},
                            {QStringLiteral("mimeType"), mime}},
                textContent(QStringLiteral("Image URL: ") + url)};
    }
    return {textContent(url.isEmpty() ? path : url)};
}

QJsonObject toolResult(const ToolEntry &tool, const QJsonArray &outputs)
{
    const EndpointSpec &endpoint = *tool.endpoint;
    const qsizetype returns = endpoint.invoker.returnSchemas.size();
    if (returns == 1 && markerOf(api::returnSchema(endpoint, 0)) == QLatin1String("tool-result")) {
        QJsonObject result = outputs.at(0).toObject();
        if (!result.value(QLatin1String("content")).isArray())
            result.insert(QStringLiteral("content"), QJsonArray());
        if (result.value(QLatin1String("structuredContent")).toObject().isEmpty())
            result.remove(QStringLiteral("structuredContent"));
        return result;
    }
    QJsonArray content;
    for (qsizetype i = 0; i < outputs.size(); ++i) {
        const QJsonObject schema = api::returnSchema(endpoint, i);
        const QJsonValue value = outputs.at(i);
        const QString marker = markerOf(schema);
        if (marker == QLatin1String("content")) {
            content.append(value);
        } else if (itemMarkerOf(schema) == QLatin1String("content")) {
            for (const QJsonValue &item : value.toArray())
                content.append(item);
        } else if (marker == QLatin1String("resource-contents")) {
            content.append(QJsonObject{{QStringLiteral("type"), QStringLiteral("resource")}, {QStringLiteral("resource"), value}});
        } else if (value.isObject() && files::isFileData(value.toObject())) {
            for (const QJsonValue &item : fileContent(value.toObject()))
                content.append(item);
        } else {
            content.append(textContent(textOf(value)));
        }
    }
    QJsonObject result{{QStringLiteral("content"), content}, {QStringLiteral("isError"), false}};
    if (tool.structured && !outputs.isEmpty()) {
        if (tool.wrapResult)
            result.insert(QStringLiteral("structuredContent"), QJsonObject{{QStringLiteral("result"), outputs.at(0)}});
        else if (outputs.at(0).isObject())
            result.insert(QStringLiteral("structuredContent"), outputs.at(0));
    }
    return result;
}

static QJsonObject withDefaults(QJsonObject item, const QString &uri, const QString &mimeType)
{
    if (item.value(QLatin1String("uri")).toString().isEmpty())
        item.insert(QStringLiteral("uri"), uri);
    if (item.value(QLatin1String("mimeType")).toString().isEmpty())
        item.insert(QStringLiteral("mimeType"), mimeType);
    return item;
}

QJsonArray resourceContents(const ResourceEntry &resource, const QString &uri, const QJsonArray &outputs)
{
    const QJsonObject schema = api::returnSchema(*resource.endpoint, 0);
    const QJsonValue value = outputs.at(0);
    const QString mime = resource.meta->mimeType;
    if (markerOf(schema) == QLatin1String("resource-contents"))
        return {withDefaults(value.toObject(), uri, mime)};
    if (itemMarkerOf(schema) == QLatin1String("resource-contents")) {
        QJsonArray out;
        for (const QJsonValue &item : value.toArray())
            out.append(withDefaults(item.toObject(), uri, mime));
        return out;
    }
    QJsonObject item{{QStringLiteral("uri"), uri}};
    if (schema.value(QLatin1String("format")) == QLatin1String("byte")) {
        item.insert(QStringLiteral("mimeType"), mime);
        item.insert(QStringLiteral("blob"), value); // already base64
    } else if (value.isString()) {
        item.insert(QStringLiteral("mimeType"), mime);
        item.insert(QStringLiteral("text"), value);
    } else {
        item.insert(QStringLiteral("mimeType"), QStringLiteral("application/json"));
        item.insert(QStringLiteral("text"), QString::fromUtf8(json::compact(value)));
    }
    return {item};
}

QJsonObject promptResult(const PromptEntry &prompt, const QJsonArray &outputs)
{
    const QJsonObject schema = api::returnSchema(*prompt.endpoint, 0);
    const QJsonValue value = outputs.at(0);
    const QString marker = markerOf(schema);
    if (marker == QLatin1String("prompt-result"))
        return value.toObject();
    if (itemMarkerOf(schema) == QLatin1String("prompt-message"))
        return {{QStringLiteral("messages"), value}};
    const QJsonObject content = marker == QLatin1String("content") ? value.toObject() : textContent(textOf(value));
    return {{QStringLiteral("messages"),
             QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")}, {QStringLiteral("content"), content}}}}};
}

QJsonValue fromString(const QString &value, const QJsonObject &schema)
{
    QString type = schema.value(QLatin1String("type")).toString();
    if (type.isEmpty()) {
        // Optional<T>: {"oneOf": [{"type": "null"}, T]}.
        for (const QJsonValue &member : schema.value(QLatin1String("oneOf")).toArray()) {
            const QString t = member.toObject().value(QLatin1String("type")).toString();
            if (t != QLatin1String("null"))
                type = t;
        }
    }
    bool ok = false;
    if (type == QLatin1String("integer")) {
        const qint64 i = value.trimmed().toLongLong(&ok);
        if (ok)
            return i;
    } else if (type == QLatin1String("number")) {
        const double d = value.trimmed().toDouble(&ok);
        if (ok)
            return d;
    } else if (type == QLatin1String("boolean")) {
        const QString v = value.trimmed().toLower();
        if (v == QLatin1String("true") || v == QLatin1String("false"))
            return v == QLatin1String("true");
    }
    return value; // a type error names the parameter later
}

} // namespace qradio::mcp
