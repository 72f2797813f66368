// SPDX-License-Identifier: MIT
// The MCP result types of mcp.h and their JSON form.
#include <qradio/mcp.h>

namespace qradio {

namespace mcp {

static QString base64(const QByteArray &data)
{
    return QString::fromLatin1(data.toBase64());
}

Content Content::text(const QString &text)
{
    Content c;
    c.m_json = {{QStringLiteral("type"), QStringLiteral("text")}, {QStringLiteral("text"), text}};
    return c;
}

Content Content::image(const QByteArray &data, const QString &mimeType)
{
    Content c;
    c.m_json = {{QStringLiteral("type"), QStringLiteral("image")},
                {QStringLiteral("data"), base64(data)},
                {QStringLiteral("mimeType"), mimeType}};
    return c;
}

Content Content::audio(const QByteArray &data, const QString &mimeType)
{
    Content c;
    c.m_json = {{QStringLiteral("type"), QStringLiteral("audio")},
                {QStringLiteral("data"), base64(data)},
                {QStringLiteral("mimeType"), mimeType}};
    return c;
}

Content Content::resource(const QString &uri, const QString &mimeType, const QString &text)
{
    Content c;
    c.m_json = {{QStringLiteral("type"), QStringLiteral("resource")},
                {QStringLiteral("resource"), QJsonObject{{QStringLiteral("uri"), uri},
                                                         {QStringLiteral("mimeType"), mimeType},
                                                         {QStringLiteral("text"), text}}}};
    return c;
}

Content Content::resourceBlob(const QString &uri, const QString &mimeType, const QByteArray &data)
{
    Content c;
    c.m_json = {{QStringLiteral("type"), QStringLiteral("resource")},
                {QStringLiteral("resource"), QJsonObject{{QStringLiteral("uri"), uri},
                                                         {QStringLiteral("mimeType"), mimeType},
                                                         {QStringLiteral("blob"), base64(data)}}}};
    return c;
}

Content Content::resourceLink(const QString &uri, const QString &name, const QString &mimeType)
{
    Content c;
    c.m_json = {{QStringLiteral("type"), QStringLiteral("resource_link")},
                {QStringLiteral("uri"), uri},
                {QStringLiteral("name"), name}};
    if (!mimeType.isEmpty())
        c.m_json.insert(QStringLiteral("mimeType"), mimeType);
    return c;
}

Content Content::fromJson(const QJsonObject &json)
{
    Content c;
    c.m_json = json;
    return c;
}

ResourceContents ResourceContents::fromText(const QString &text, const QString &mimeType, const QString &uri)
{
    ResourceContents r;
    r.text = text;
    r.mimeType = mimeType;
    r.uri = uri;
    return r;
}

ResourceContents ResourceContents::fromBlob(const QByteArray &data, const QString &mimeType, const QString &uri)
{
    ResourceContents r;
    r.data = data;
    r.binary = true;
    r.mimeType = mimeType;
    r.uri = uri;
    return r;
}

} // namespace mcp

static std::optional<QJsonObject> objectOf(const QJsonValue &v, QString *error, const char *what)
{
    if (v.isObject())
        return v.toObject();
    detail::setError(error, QString::fromLatin1(what), v);
    return std::nullopt;
}

std::optional<mcp::Content> TypeInfo<mcp::Content>::fromJson(const QJsonValue &v, QString *error)
{
    auto o = objectOf(v, error, "MCP content object");
    if (!o)
        return std::nullopt;
    if (!o->value(QLatin1String("type")).isString()) {
        if (error)
            *error = QStringLiteral("MCP content needs a \"type\"");
        return std::nullopt;
    }
    return mcp::Content::fromJson(*o);
}

QJsonValue TypeInfo<mcp::ToolResult>::toJson(const mcp::ToolResult &r)
{
    QJsonArray content;
    for (const mcp::Content &c : r.content)
        content.append(c.toJson());
    QJsonObject out{{QStringLiteral("content"), content}, {QStringLiteral("isError"), r.isError}};
    if (!r.structuredContent.isEmpty())
        out.insert(QStringLiteral("structuredContent"), r.structuredContent);
    return out;
}

std::optional<mcp::ToolResult> TypeInfo<mcp::ToolResult>::fromJson(const QJsonValue &v, QString *error)
{
    auto o = objectOf(v, error, "MCP tool result object");
    if (!o)
        return std::nullopt;
    mcp::ToolResult r;
    for (const QJsonValue &c : o->value(QLatin1String("content")).toArray())
        r.content.append(mcp::Content::fromJson(c.toObject()));
    r.structuredContent = o->value(QLatin1String("structuredContent")).toObject();
    r.isError = o->value(QLatin1String("isError")).toBool();
    return r;
}

QJsonValue TypeInfo<mcp::ResourceContents>::toJson(const mcp::ResourceContents &r)
{
    QJsonObject out;
    if (!r.uri.isEmpty())
        out.insert(QStringLiteral("uri"), r.uri);
    if (!r.mimeType.isEmpty())
        out.insert(QStringLiteral("mimeType"), r.mimeType);
    if (r.binary)
        out.insert(QStringLiteral("blob"), QString::fromLatin1(r.data.toBase64()));
    else
        out.insert(QStringLiteral("text"), r.text);
    return out;
}

std::optional<mcp::ResourceContents> TypeInfo<mcp::ResourceContents>::fromJson(const QJsonValue &v, QString *error)
{
    auto o = objectOf(v, error, "MCP resource contents object");
    if (!o)
        return std::nullopt;
    mcp::ResourceContents r;
    r.uri = o->value(QLatin1String("uri")).toString();
    r.mimeType = o->value(QLatin1String("mimeType")).toString();
    if (o->contains(QLatin1String("blob"))) {
        r.binary = true;
        r.data = QByteArray::fromBase64(o->value(QLatin1String("blob")).toString().toLatin1());
    } else {
        r.text = o->value(QLatin1String("text")).toString();
    }
    return r;
}

QJsonValue TypeInfo<mcp::PromptMessage>::toJson(const mcp::PromptMessage &m)
{
    return QJsonObject{{QStringLiteral("role"), m.role}, {QStringLiteral("content"), m.content.toJson()}};
}

std::optional<mcp::PromptMessage> TypeInfo<mcp::PromptMessage>::fromJson(const QJsonValue &v, QString *error)
{
    auto o = objectOf(v, error, "MCP prompt message object");
    if (!o)
        return std::nullopt;
    mcp::PromptMessage m;
    m.role = o->value(QLatin1String("role")).toString(QStringLiteral("user"));
    m.content = mcp::Content::fromJson(o->value(QLatin1String("content")).toObject());
    return m;
}

QJsonValue TypeInfo<mcp::PromptResult>::toJson(const mcp::PromptResult &r)
{
    QJsonArray messages;
    for (const mcp::PromptMessage &m : r.messages)
        messages.append(TypeInfo<mcp::PromptMessage>::toJson(m));
    QJsonObject out{{QStringLiteral("messages"), messages}};
    if (!r.description.isEmpty())
        out.insert(QStringLiteral("description"), r.description);
    return out;
}

std::optional<mcp::PromptResult> TypeInfo<mcp::PromptResult>::fromJson(const QJsonValue &v, QString *error)
{
    auto o = objectOf(v, error, "MCP prompt result object");
    if (!o)
        return std::nullopt;
    mcp::PromptResult r;
    r.description = o->value(QLatin1String("description")).toString();
    for (const QJsonValue &m : o->value(QLatin1String("messages")).toArray())
        if (auto message = TypeInfo<mcp::PromptMessage>::fromJson(m, nullptr))
            r.messages.append(*message);
    return r;
}

} // namespace qradio
