// SPDX-License-Identifier: MIT
#pragma once

#include "http/router.h"
#include "netcore.h"

#include <qradio/server.h>

#include <QThread>

#include <memory>

namespace qradio {

class ServerPrivate
{
public:
    ServerOptions options;
    QList<std::shared_ptr<EndpointSpec>> endpoints;
    QList<std::shared_ptr<const EndpointSpec>> frozen; //!< read-only view once listening
    http::Router router;
    std::vector<std::function<std::optional<Response>(const Request &)>> beforeHooks;
    std::vector<std::function<void(const Request &, Response &)>> afterHooks;
    std::function<Response(const Request &, const std::exception &)> errorHook;
    //! Server::mcp(): MCP tools, resources and prompts (created on first use).
    std::shared_ptr<McpRegistry> mcp;

    std::unique_ptr<QThread> thread;
    NetCore *core = nullptr;
    QString error;
    QHostAddress address;
    quint16 port = 0;
    qint64 appId = 0;
    bool startupEventsSent = false;

    std::shared_ptr<const EndpointSpec> endpointByName(const QString &name) const;
    std::shared_ptr<const EndpointSpec> endpointById(int id) const;
    void installBuiltinRoutes();
};

namespace api {
void installApiRoutes(ServerPrivate &d);
}
namespace queue {
void installQueueRoutes(ServerPrivate &d);
}
namespace mcp {
//! The MCP routes under /gradio_api/mcp (when options.mcpServer) and the MCP service stdio uses.
void installRoutes(ServerPrivate &d);
}

} // namespace qradio
