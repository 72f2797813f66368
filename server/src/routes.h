// SPDX-License-Identifier: MIT
#pragma once

#include "api/endpointtable.h"
#include "http/responder.h"
#include "http/router.h"

#include <qradio/server.h>

#include <memory>

namespace qradio {

class McpRegistryPrivate;
namespace queue {
class Queue;
}
namespace mcp {
class Service;
}
namespace files {
class FileStore;
}
namespace security {
class Login;
}
namespace metrics {
class Registry;
}

//! All the built-in routes reach of the server: they answer through the responder, run calls
//! through the queue and read the endpoints and options, nothing else. Installed by the core
//! (netcore.cpp) when the server starts listening.
struct RouteContext
{
    http::Responder *out = nullptr;
    queue::Queue *queue = nullptr;
    const ServerOptions *options = nullptr;
    const EndpointTable *endpoints = nullptr;
    const files::FileStore *files = nullptr; //!< uploads, results and what may be served
    QObject *core = nullptr; //!< lives on the core thread, where built-ins that are not Inline run
    qint64 appId = 0;
    security::Login *login = nullptr; //!< sessions of password login; thread-safe
    //! ServerOptions::metrics or metricsPort: where the core thread's figures go; else null.
    metrics::Registry *metrics = nullptr;
};

namespace api {
//! /config, /gradio_api/info, the docs page, client.js, app_id, startup-events, call and run.
void installRoutes(http::Router &router, const RouteContext &context);
}
namespace api {
//! GET /gradio_api/health (liveness) and /gradio_api/ready (readiness, 503 while draining).
void installHealthRoutes(http::Router &router, const RouteContext &context);
}
namespace queue {
//! queue/join, queue/data, cancel, reset, queue/status and heartbeat.
void installRoutes(http::Router &router, const RouteContext &context);
}
namespace files {
class StaticFolder;
//! GET /gradio_api/file=<path> and /gradio_api/file/<path>, POST upload, GET upload_progress.
void installRoutes(http::Router &router, const RouteContext &context);
//! What answers a Server::serveFolder() mount of `folder` at `prefix` (`""` for `/`).
std::function<void(http::Exchange *)> folderRoute(const RouteContext &context,
                                                 std::shared_ptr<const StaticFolder> folder, const QString &prefix);
}
namespace security {
//! POST /login and GET /logout.
void installRoutes(http::Router &router, const RouteContext &context);
}
namespace mcp {
//! Builds the MCP service (stdio uses it too) and, when options.mcpServer, its HTTP routes.
std::shared_ptr<Service> installRoutes(http::Router &router, const RouteContext &context, McpRegistryPrivate &registry);
}

} // namespace qradio
