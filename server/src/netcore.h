// SPDX-License-Identifier: MIT
#pragma once

#include "http/exchange.h"
#include "http/responder.h"
#include "security/guard.h"
#include "security/login.h"

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
namespace metrics {
class MetricsPort;
class Recorder;
class Registry;
} // namespace metrics
namespace files {
class FileStore;
class UrlFetcher;
} // namespace files

class ServerPrivate;

//! The server's threads. Network threads (one per core by default) each accept from the shared
//! listening socket and own their connections: they frame, parse, guard and route each request,
//! and answer trivial routes (Inline) on the spot; blocking user routes go to the route pool and
//! come back. Everything else (the queue, MCP, streams) runs on the core thread this object
//! lives on, which gets the exchange handed over and writes to it through posted calls.
//! Built-in routes see it only as their Responder (routes.h).
class NetCore : public QObject, public http::Responder
{
    Q_OBJECT
public:
    explicit NetCore(ServerPrivate *d);
    ~NetCore() override;

    //! Without an address, starts everything but the listener.
    bool listen(const QHostAddress *address, quint16 port, QString *error, quint16 *boundPort);
    void shutdown();
    //! Server::drain(): starts draining the queue; `done` runs here when it has finished.
    void drain(std::chrono::milliseconds timeout, std::function<void()> done);
    //! Server::callsInFlight().
    int callsInFlight() const;
    //! Server::issueLoginTicket(); any thread.
    QString issueLoginTicket(const QString &username);

    //! Answers with a complete response, after CORS and the after-request hooks.
    void respond(http::Exchange *exchange, Response response) override;
    //! Starts a streamed response (CORS and hooks applied to its head).
    void beginStream(http::Exchange *exchange, Response head, qint64 contentLength = -1) override;

private:
    struct NetworkThread
    {
        std::unique_ptr<QThread> thread;
        http::HttpServer *http = nullptr; //!< lives on `thread`; owns the TcpServer
        http::TcpServer *tcp = nullptr;
    };
    void installBuiltinRoutes();
    //! ServerOptions::metrics, metricsPort, accessLog: the registry, the recorder that feeds it
    //! and the access log, the metrics port. After the routes are complete.
    bool startObserving(QString *error);
    //! Logs the user routes that take a path from a built-in one (Router::shadowedBuiltins()).
    void warnAboutShadowedBuiltins() const;
    //! Bytes the connections of every network thread have not sent yet.
    qint64 unsentBytes() const;
    bool startNetworkThreads(const QHostAddress &address, quint16 port, QString *error);
    void stopAccepting();
    //! On a network thread: guard, hooks, routing; Inline routes answered there.
    void dispatch(http::Exchange *exchange);
    //! Runs `work` on the route pool and answers with its result on the exchange's thread.
    void runUser(http::Exchange *exchange, std::function<Response()> work);
    void applyCors(const Request &request, Response &response) const;
    Response runHandler(const std::function<Response()> &work, const Request &request) const;

    ServerPrivate *m_d;
    std::unique_ptr<security::Login> m_login; //!< before the guard, which refers to it
    std::unique_ptr<security::Guard> m_guard;
    std::vector<NetworkThread> m_network;
    queue::Queue *m_queue = nullptr;
    std::unique_ptr<files::FileStore> m_files;
    std::unique_ptr<files::UrlFetcher> m_fetcher; //!< after the store, which it writes to
    QTimer *m_cacheSweep = nullptr; //!< ServerOptions::deleteCacheEvery
    QThreadPool m_routePool;
    std::unique_ptr<metrics::Registry> m_metrics;
    std::unique_ptr<metrics::Recorder> m_recorder; //!< outlives the connections (shutdown())
    metrics::MetricsPort *m_metricsPort = nullptr;
};

} // namespace qradio
