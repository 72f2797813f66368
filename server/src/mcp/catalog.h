// SPDX-License-Identifier: MIT
#pragma once

#include "registry_p.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>

#include <memory>
#include <optional>

namespace qradio::mcp {

//! An RFC 6570 level-1 URI template: `{name}` matches one or more characters other than '/',
//! `{+name}` any non-empty text. A URI without braces is a fixed URI.
class UriTemplate
{
public:
    UriTemplate() = default;
    explicit UriTemplate(const QString &pattern);
    bool isTemplate() const { return !m_variables.isEmpty(); }
    const QStringList &variables() const { return m_variables; }
    //! The variables' values, in order, when `uri` matches the whole template.
    std::optional<QStringList> match(const QString &uri) const;

private:
    QString m_pattern;
    QStringList m_variables;
    QRegularExpression m_regex;
};

struct ToolEntry
{
    QString name;
    std::shared_ptr<const EndpointSpec> endpoint;
    QJsonObject listing;      //!< the tools/list entry
    bool structured = false;  //!< the single output goes out as structuredContent
    bool wrapResult = false;  //!< ... as {"result": value}
};

struct ResourceEntry
{
    std::shared_ptr<const EndpointSpec> endpoint;
    std::shared_ptr<const McpResourceMeta> meta;
    UriTemplate uri;
    QJsonObject listing;
};

struct PromptEntry
{
    QString name;
    std::shared_ptr<const EndpointSpec> endpoint;
    std::shared_ptr<const McpPromptMeta> meta;
    QJsonObject listing;
};

//! What the server offers over MCP, built once at listen() from the endpoints and the
//! registry; read-only afterwards.
class Catalog
{
public:
    Catalog(const QList<std::shared_ptr<const EndpointSpec>> &endpoints, const McpRegistryPrivate &registry);

    const QList<ToolEntry> &tools() const { return m_tools; }
    const QList<ResourceEntry> &resources() const { return m_resources; }
    const QList<ResourceEntry> &templates() const { return m_templates; }
    const QList<PromptEntry> &prompts() const { return m_prompts; }

    const ToolEntry *tool(const QString &name) const;
    const PromptEntry *prompt(const QString &name) const;
    //! The resource whose URI (fixed ones first) matches `uri`, with the template's values.
    const ResourceEntry *resource(const QString &uri, QStringList *values) const;
    const ResourceEntry *resourceTemplate(const QString &uriTemplate) const;

    //! GET /gradio_api/mcp/schema: tools, resources and prompts with their input schemas.
    QJsonArray schemaListing(const QSet<QString> &only) const;

private:
    QList<ToolEntry> m_tools;
    QHash<QString, qsizetype> m_toolIndex;
    QList<ResourceEntry> m_resources;
    QList<ResourceEntry> m_templates;
    QList<PromptEntry> m_prompts;
    QHash<QString, qsizetype> m_promptIndex;
};

//! The JSON Schema of an endpoint's parameters: descriptions, defaults, choices, required.
QJsonObject inputSchemaOf(const EndpointSpec &endpoint);

//! The CallToolResult for a tool's outputs.
QJsonObject toolResult(const ToolEntry &tool, const QJsonArray &outputs);
//! A tool result with isError and one text item.
QJsonObject toolError(const QString &message);
//! The `contents` of resources/read for a resource function's outputs.
QJsonArray resourceContents(const ResourceEntry &resource, const QString &uri, const QJsonArray &outputs);
//! The prompts/get result for a prompt function's outputs.
QJsonObject promptResult(const PromptEntry &prompt, const QJsonArray &outputs);
//! Text of a value as a tool's text content: strings as they are, everything else as JSON.
QString textOf(const QJsonValue &value);

//! Positional arguments from values that arrive as strings (prompt arguments, template
//! variables): numbers and booleans are parsed where the parameter wants them.
QJsonValue fromString(const QString &value, const QJsonObject &schema);

} // namespace qradio::mcp
