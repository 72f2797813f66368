// SPDX-License-Identifier: MIT
#pragma once

#include <qradio/mcp.h>

#include <QHash>
#include <QMutex>

#include <memory>
#include <optional>

namespace qradio {

class ServerPrivate;
namespace mcp {
class Service;
}

//! MCP-only settings of a tool; the rest lives in its EndpointSpec.
struct McpToolMeta
{
    QString name; //!< empty: the endpoint's api name
    QString title;
    QJsonObject annotations;
    QJsonObject inputSchema;  //!< empty: generated from the parameters
    QJsonObject outputSchema; //!< empty: generated for object results
    std::optional<bool> structured;
    QJsonObject meta;
};

struct McpResourceMeta
{
    QString uri; //!< fixed URI or template
    QString name;
    QString title;
    QString mimeType = QStringLiteral("text/plain");
    QJsonObject annotations;
    QHash<QString, mcp::Completer> completers;
};

struct McpPromptMeta
{
    QString name;
    QString title;
    QHash<QString, mcp::Completer> completers;
};

class McpRegistryPrivate
{
public:
    static std::shared_ptr<McpRegistry> make(McpRegistry::AddEndpoint addEndpoint);

    McpRegistry::AddEndpoint addEndpoint; //!< Server::addEndpoint, for MCP-only tools, resources, prompts
    ServerPrivate *server = nullptr;
    //! By endpoint: MCP settings of tools, and the endpoints that are resources or prompts.
    QHash<const EndpointSpec *, std::shared_ptr<McpToolMeta>> tools;
    QHash<const EndpointSpec *, std::shared_ptr<McpResourceMeta>> resources;
    QHash<const EndpointSpec *, std::shared_ptr<McpPromptMeta>> prompts;
    QString instructions;

    //! The running service (set at listen); guarded for resourceUpdated() from any thread.
    QMutex serviceMutex;
    std::shared_ptr<mcp::Service> service;
};

} // namespace qradio
