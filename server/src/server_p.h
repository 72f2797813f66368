// SPDX-License-Identifier: MIT
#pragma once

#include "api/endpointtable.h"
#include "extension.h"
#include "http/router.h"
#include "netcore.h"

#include <qradio/server.h>

#include <QSslConfiguration>
#include <QThread>

#include <memory>

namespace qradio {

namespace files {
class StaticFolder;
}

class ServerPrivate
{
public:
    ServerOptions options;
    QList<std::shared_ptr<EndpointSpec>> endpoints;
    EndpointTable endpointTable; //!< the endpoints, read-only, from listen() on
    http::Router router;
    std::vector<std::function<std::optional<Response>(const Request &)>> beforeHooks;
    std::vector<std::function<void(const Request &, Response &)>> afterHooks;
    std::function<Response(const Request &, const std::exception &)> errorHook;
    //! Server::mcp(): MCP tools, resources and prompts (made with the server).
    std::shared_ptr<McpRegistry> mcp;
    //! Server::serveFolder() mounts: the router's index of each, and its folder.
    QList<QPair<qsizetype, std::shared_ptr<const files::StaticFolder>>> folders;
    //! Parts that install routes of their own when the server listens (MCP).
    QList<std::shared_ptr<Extension>> extensions;

    std::unique_ptr<QThread> thread;
    NetCore *core = nullptr;
    QString error;
    Server::ListenError listenError = Server::ListenError::None;
    //! The TLS set-up of the listening port, from ServerOptions at listen(); none: plain HTTP.
    std::optional<QSslConfiguration> tls;
    QHostAddress address;
    quint16 port = 0;
    qint64 appId = 0;
    bool draining = false; //!< Server::drain() was called since the last listen(); owner thread
    bool unnamedParamsReported = false; //!< the warning of Server::serve(), once per server
};

} // namespace qradio
