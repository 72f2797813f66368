// SPDX-License-Identifier: MIT
#pragma once

#include "http/exchange.h"
#include "http/router.h"

#include <qradio/server.h>

#include <QJsonObject>
#include <QThread>
#include <QThreadPool>
#include <QTimer>

#include <memory>

namespace qradio {

namespace http {
class HttpServer;
class TcpServer;
} // namespace http
namespace queue {
class Queue;
class Mailbox;
} // namespace queue

class ServerPrivate;

//! Everything that lives on the network thread: the listener, the parser, the queue, and the
//! dispatch of each request through hooks, CORS and the router.
class NetCore : public QObject
{
    Q_OBJECT
public:
    explicit NetCore(ServerPrivate *d);
    ~NetCore() override;

    //! Without an address, starts everything but the listener.
    bool listen(const QHostAddress *address, quint16 port, QString *error, quint16 *boundPort);
    void shutdown();

    //! Answers with a complete response, after CORS and the after-request hooks.
    void respond(http::Exchange *exchange, Response response);
    //! Starts a streamed response (CORS and hooks applied to its head).
    void beginStream(http::Exchange *exchange, Response head);
    //! Parses a JSON object body, or answers 422 the way FastAPI does and returns false.
    bool jsonBody(http::Exchange *exchange, QJsonObject *out);
    //! Runs `work` on the route pool; `done` gets its result back on the network thread if
    //! the exchange is still open.
    void runUser(http::Exchange *exchange, std::function<Response()> work);

    queue::Queue *queue() const { return m_queue; }
    ServerPrivate *d() const { return m_d; }
    //! Heartbeat streams (GET /gradio_api/heartbeat/<session>) end at shutdown.
    void addHeartbeat(http::Exchange *exchange);

private:
    void dispatch(http::Exchange *exchange);
    void applyCors(const Request &request, Response &response) const;
    bool originAllowed(const Request &request) const;

    ServerPrivate *m_d;
    http::HttpServer *m_http = nullptr;
    http::TcpServer *m_tcp = nullptr;
    queue::Queue *m_queue = nullptr;
    QThreadPool m_routePool;
    std::shared_ptr<queue::Mailbox> m_mailbox;
    QList<QPointer<http::Exchange>> m_heartbeats;
    QTimer m_heartbeatTimer;
};

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
