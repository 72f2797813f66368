// SPDX-License-Identifier: MIT
#pragma once

//! \file mcpcontent.h
//! What MCP tools, resources and prompts may return (part of mcp.h): content items, tool
//! results, resource contents and prompt messages, with their type mapping.

#include <qradio/types.h>

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace qradio {

namespace mcp {

//! One content item of a tool result or a prompt message.
//! \code
//! return QList<qradio::mcp::Content>{qradio::mcp::Content::text("A red dot:"),
//!                                    qradio::mcp::Content::image(png, "image/png")};
//! \endcode
class Content
{
public:
    Content() = default;
    static Content text(const QString &text);
    //! `data` is the raw image (sent base64-encoded).
    static Content image(const QByteArray &data, const QString &mimeType);
    static Content audio(const QByteArray &data, const QString &mimeType);
    //! An embedded text resource.
    static Content resource(const QString &uri, const QString &mimeType, const QString &text);
    //! An embedded binary resource.
    static Content resourceBlob(const QString &uri, const QString &mimeType, const QByteArray &data);
    //! A link to a resource the client may read later.
    static Content resourceLink(const QString &uri, const QString &name, const QString &mimeType = {});
    //! Any content object, as the MCP schema defines it (must have a "type").
    static Content fromJson(const QJsonObject &json);

    const QJsonObject &toJson() const { return m_json; }
    QString type() const { return m_json.value(QLatin1String("type")).toString(); }

private:
    QJsonObject m_json;
};

//! A complete tool result, for tools that decide everything themselves.
struct ToolResult
{
    QList<Content> content;
    QJsonObject structuredContent; //!< empty: none
    bool isError = false;
};

//! One item of a resources/read answer. A resource function may also return a plain QString
//! (text in the resource's MIME type) or QByteArray (a blob).
struct ResourceContents
{
    static ResourceContents fromText(const QString &text, const QString &mimeType = {}, const QString &uri = {});
    static ResourceContents fromBlob(const QByteArray &data, const QString &mimeType = {}, const QString &uri = {});

    QString uri;      //!< empty: the URI that was read
    QString mimeType; //!< empty: the resource's registered type
    QString text;
    QByteArray data;
    bool binary = false;
};

//! One message of a prompt. A prompt function may also return a plain QString (one user
//! message) or a PromptResult.
struct PromptMessage
{
    QString role = QStringLiteral("user"); //!< "user" or "assistant"
    Content content;
};

struct PromptResult
{
    QString description;
    QList<PromptMessage> messages;
};

//! Severity of a log message (RFC 5424 levels, as MCP names them).

} // namespace mcp

// ---- type mapping of the MCP result types ----------------------------------------------------
// The schemas carry an `x-qradio-mcp` marker: it tells the MCP layer to send the value as
// content rather than as text, and never appears in an MCP schema.

template<>
struct TypeInfo<mcp::Content>
{
    static QJsonObject schema() { return {{QStringLiteral("x-qradio-mcp"), QStringLiteral("content")}}; }
    static std::optional<mcp::Content> fromJson(const QJsonValue &v, QString *error);
    static QJsonValue toJson(const mcp::Content &c) { return c.toJson(); }
};

template<>
struct TypeInfo<mcp::ToolResult>
{
    static QJsonObject schema() { return {{QStringLiteral("x-qradio-mcp"), QStringLiteral("tool-result")}}; }
    static std::optional<mcp::ToolResult> fromJson(const QJsonValue &v, QString *error);
    static QJsonValue toJson(const mcp::ToolResult &r);
};

template<>
struct TypeInfo<mcp::ResourceContents>
{
    static QJsonObject schema() { return {{QStringLiteral("x-qradio-mcp"), QStringLiteral("resource-contents")}}; }
    static std::optional<mcp::ResourceContents> fromJson(const QJsonValue &v, QString *error);
    static QJsonValue toJson(const mcp::ResourceContents &r);
};

template<>
struct TypeInfo<mcp::PromptMessage>
{
    static QJsonObject schema() { return {{QStringLiteral("x-qradio-mcp"), QStringLiteral("prompt-message")}}; }
    static std::optional<mcp::PromptMessage> fromJson(const QJsonValue &v, QString *error);
    static QJsonValue toJson(const mcp::PromptMessage &m);
};

template<>
struct TypeInfo<mcp::PromptResult>
{
    static QJsonObject schema() { return {{QStringLiteral("x-qradio-mcp"), QStringLiteral("prompt-result")}}; }
    static std::optional<mcp::PromptResult> fromJson(const QJsonValue &v, QString *error);
    static QJsonValue toJson(const mcp::PromptResult &r);
};

} // namespace qradio
