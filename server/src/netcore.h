// SPDX-License-Identifier: MIT
#pragma once

#include "http/exchange.h"
#include "security/guard.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QThreadPool>
#include <QTimer>

#include <functional>
#include <memory>
#include <vector>

namespace qradio {

namespace http {
class HttpServer;
class TcpServer;
} // namespace http
namespace queue {
class Queue;
} // namespace queue

class ServerPrivate;

//! The server's threads. Network threads (one per core by default) each accept from the shared
//! listening socket and own their connections: they frame, parse, guard and route each request,
//! and answer trivial routes (Inline) on the spot; blocking user routes go to the route pool and
//! come back. Everything else (the queue, MCP, streams) runs on the core thread this object
//! lives on, which gets the exchange handed over and writes to it through posted calls.
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
    //! Runs `work` on the route pool and answers with its result on the exchange's thread.
    void runUser(http::Exchange *exchange, std::function<Response()> work);

    queue::Queue *queue() const { return m_queue; }
    ServerPrivate *d() const { return m_d; }
    //! Holds a heartbeat stream (GET /gradio_api/heartbeat/<session>) open with `ALIVE` frames;
    //! ended at shutdown, or once it has been open heartbeatStreamTimeout while its session has
    //! no events pending. It yields to new connections at the connection cap.
    void holdHeartbeat(http::Exchange *exchange, const QString &session);

private:
    struct Heartbeat
    {
        QPointer<http::Exchange> exchange;
        QString session;
        QElapsedTimer open;
    };
    struct NetworkThread
    {
        std::unique_ptr<QThread> thread;
        http::HttpServer *http = nullptr; //!< lives on `thread`; owns the TcpServer
        http::TcpServer *tcp = nullptr;
    };
    bool startNetworkThreads(const QHostAddress &address, quint16 port, QString *error);
    void stopAccepting();
    //! On a network thread: guard, hooks, routing; Inline routes answered there.
    void dispatch(http::Exchange *exchange);
    void beat();
    void applyCors(const Request &request, Response &response) const;
    Response runHandler(const std::function<Response()> &work, const Request &request) const;

    ServerPrivate *m_d;
    std::unique_ptr<security::Guard> m_guard;
    std::vector<NetworkThread> m_network;
    queue::Queue *m_queue = nullptr;
    QThreadPool m_routePool;
    QList<Heartbeat> m_heartbeats;
    QTimer m_heartbeatTimer;
};

} // namespace qradio
