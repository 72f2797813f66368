// SPDX-License-Identifier: MIT
#include "netcore.h"

#include "drainer.h"
#include "http/httpserver.h"
#include "http/tcpserver.h"
#include "files/filestore.h"
#include "files/urlfetch.h"
#include "metrics/exposition.h"
#include "metrics/metricsport.h"
#include "metrics/recorder.h"
#include "metrics/registry.h"
#include "privateaccess.h"
#include "queue/queue.h"
#include "routes.h"
#include "server_p.h"

#include <QCoreApplication>
#include <QLoggingCategory>

#ifdef Q_OS_UNIX
#include <sys/resource.h>
#endif
#ifdef Q_OS_LINUX
#include "http/epolldispatcher.h"
#endif

Q_DECLARE_LOGGING_CATEGORY(lcHttp)

namespace qradio {

//! Raises the soft limit on open files to the hard one (as nginx's worker_rlimit_nofile) and
//! returns the connection cap that leaves a tenth of it for files, pipes and the GUI.
static int connectionCapFromFileLimit()
{
#ifdef Q_OS_UNIX
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
        if (limit.rlim_cur < limit.rlim_max) {
            rlimit raised = limit;
            raised.rlim_cur = limit.rlim_max;
            if (setrlimit(RLIMIT_NOFILE, &raised) == 0)
                limit = raised;
        }
        const rlim_t files = limit.rlim_cur == RLIM_INFINITY ? rlim_t(1) << 20 : limit.rlim_cur;
        return int(std::clamp<rlim_t>(files / 10 * 9, 64, 1 << 20));
    }
#endif
    return 2000;
}

NetCore::NetCore(ServerPrivate *d) : m_d(d)
{
    m_routePool.setMaxThreadCount(std::max(4, QThread::idealThreadCount()));
    m_routePool.setObjectName(QStringLiteral("qradio-routes"));
}

NetCore::~NetCore() = default;

bool NetCore::listen(const QHostAddress *address, quint16 port, QString *error, quint16 *boundPort)
{
    const ServerOptions &o = m_d->options;
    m_login = std::make_unique<security::Login>(security::Login::Settings{
        o.auth, o.authCallback, o.authDependency, o.authMessage, o.rootPath, o.maxLoginSessions,
        o.loginSessionLifetime, o.loginFailureDelay, m_d->tls.has_value()});
    if (const QString conflict = security::Login::conflict(m_login->settings()); !conflict.isEmpty()) {
        *error = conflict;
        return false;
    }
    m_files = std::make_unique<files::FileStore>(m_d->options);
    if (!m_files->isValid()) {
        *error = m_files->errorString();
        return false;
    }
    if (o.deleteCacheEvery.count() > 0) {
        m_cacheSweep = new QTimer(this);
        connect(m_cacheSweep, &QTimer::timeout, this, [this, age = o.deleteCacheAge] { m_files->sweep(age); });
        m_cacheSweep->start(o.deleteCacheEvery);
    }
    m_queue = new queue::Queue(m_d->options, this);
    m_fetcher = files::UrlFetcher::create(o, *m_files, error);
    if (!m_fetcher)
        return false;
    m_queue->setFiles(m_files.get(), m_fetcher.get());
    m_queue->setEndpoints(m_d->endpointTable.all());
    if (o.metrics || o.metricsPort) {
        m_metrics = std::make_unique<metrics::Registry>();
        m_queue->setMetrics(m_metrics.get());
    }
    installBuiltinRoutes();
    if (!startObserving(error))
        return false;
    if (!address)
        return true; // no port: in-process transports only
    if (!startNetworkThreads(*address, port, error))
        return false;
    *boundPort = m_network.front().tcp->serverPort();
    // The guard names its cookie after the bound port; the network threads read it, so it
    // exists before they accept anyone.
    m_guard = std::make_unique<security::Guard>(
        security::Guard::Settings{*address, *boundPort, o.allowedHosts, o.allowedOrigins, o.rootPath, o.token,
                                  m_login.get(), m_d->tls.has_value()});
    for (NetworkThread &n : m_network)
        QMetaObject::invokeMethod(n.tcp, [tcp = n.tcp] { tcp->resumeAccepting(); }, Qt::BlockingQueuedConnection);
    return true;
}

void NetCore::installBuiltinRoutes()
{
    const RouteContext context{this,         m_queue,      &m_d->options, &m_d->endpointTable,
                               m_files.get(), this,         m_d->appId,    m_login.get(), m_metrics.get()};
    if (m_d->options.metrics) {
        // On the core thread, where the queue's and MCP's figures live.
        m_d->router.addBuiltin("GET", QStringLiteral("/metrics"), [this](http::Exchange *exchange) {
            respond(exchange, Response(200, m_metrics->scrape(), metrics::Exposition::kContentType));
        });
    }
    api::installRoutes(m_d->router, context);
    api::installHealthRoutes(m_d->router, context);
    security::installRoutes(m_d->router, context);
    queue::installRoutes(m_d->router, context);
    files::installRoutes(m_d->router, context);
    for (const auto &extension : std::as_const(m_d->extensions))
        extension->install(m_d->router, context);
    for (const auto &[index, folder] : std::as_const(m_d->folders)) {
        http::Route &route = m_d->router.userRoute(index);
        route.builtin = files::folderRoute(context, folder, route.pattern == u"/" ? QString() : route.pattern);
    }
    warnAboutShadowedBuiltins();
}

bool NetCore::startObserving(QString *error)
{
    const ServerOptions &o = m_d->options;
    const QStringList routes = m_d->router.numberRoutes();
    if (m_metrics)
        m_metrics->setRoutes(routes);
    if (m_metrics || o.accessLog)
        m_recorder = std::make_unique<metrics::Recorder>(m_metrics.get(), o.accessLog, routes);
    if (o.metricsPort) {
        m_metricsPort = new metrics::MetricsPort([this] { return m_metrics->scrape(); }, this);
        if (!m_metricsPort->start(o.metricsPort, error))
            return false;
    }
    return true;
}

void NetCore::warnAboutShadowedBuiltins() const
{
    // One line per user route, naming every built-in it takes a path from.
    QList<const http::Route *> users;
    QHash<const http::Route *, QStringList> hidden;
    for (const auto &[user, builtin] : m_d->router.shadowedBuiltins()) {
        if (!hidden.contains(user))
            users.append(user);
        hidden[user].append(QString::fromLatin1(builtin->method) + QLatin1Char(' ') + builtin->pattern);
    }
    for (const http::Route *user : std::as_const(users)) {
        qCWarning(lcHttp).noquote()
            << QStringLiteral("The route %1 %2%3 shadows the built-in %4 %5: Gradio clients reaching that path get "
                              "yours. Rename it unless you mean to replace the built-in; catch-alls (<name...>, "
                              "serveFolder) never shadow built-ins.")
                   .arg(QString::fromLatin1(user->method), user->pattern,
                        user->mount ? QStringLiteral(" (serveFolder)") : QString(),
                        hidden[user].size() > 1 ? QStringLiteral("routes") : QStringLiteral("route"),
                        hidden[user].join(QStringLiteral(", ")));
    }
}

bool NetCore::startNetworkThreads(const QHostAddress &address, quint16 port, QString *error)
{
    const ServerOptions &o = m_d->options;
    const int count = std::max(1, o.networkThreads > 0 ? o.networkThreads : QThread::idealThreadCount());
    const int cap = o.maxConnections > 0 ? o.maxConnections : connectionCapFromFileLimit();
    const http::Router *router = &m_d->router; // read-only while listening
    const http::Limits limits{o.maxBodySize, o.maxHeaderSize, o.headTimeout, o.bodyTimeout, o.minBodyRate,
                              o.idleTimeout, o.maxStreamBuffer, o.maxUploadSize,
                              [router](QByteArrayView method, const QString &path) {
                                  const http::Route *route = router->match(method.toByteArray(), path).route;
                                  return route && (route->flags & http::StreamedBody);
                              },
                              m_recorder.get()};
    for (int i = 0; i < count; ++i) {
        NetworkThread n;
        n.thread = std::make_unique<QThread>();
        n.thread->setObjectName(QStringLiteral("qradio-net-%1").arg(i));
#ifdef Q_OS_LINUX
        if (!qEnvironmentVariableIsSet("QRADIO_QT_DISPATCHER")) {
            auto *dispatcher = new http::EpollDispatcher;
            if (dispatcher->isValid())
                n.thread->setEventDispatcher(dispatcher); // the thread owns it
            else
                delete dispatcher;
        }
#endif
        n.thread->start();
        bool ok = false;
        // Created on their own thread, so that every socket they accept lives there.
        auto *there = new QObject;
        there->moveToThread(n.thread.get());
        QMetaObject::invokeMethod(there, [&] {
            n.http = new http::HttpServer;
            n.tcp = new http::TcpServer(limits, std::max(1, cap / count), m_d->tls);
            ok = i == 0 ? n.tcp->listen(address, port) : n.tcp->shareListener(*m_network.front().tcp);
            n.tcp->pauseAccepting(); // until listen() has finished
            if (!ok) {
                *error = n.tcp->errorString();
                delete n.tcp;
                delete n.http;
                return;
            }
            // Routing happens on the network thread: the router, the guard and the hooks are
            // read-only once listening.
            connect(n.tcp, &http::TcpServer::connectionReady, n.tcp, [this](http::HttpConnection *connection) {
                connect(connection, &http::HttpConnection::dispatch, connection, [this](http::Exchange *e) { dispatch(e); });
            });
            n.tcp->attachTo(n.http);
        }, Qt::BlockingQueuedConnection);
        there->deleteLater();
        if (!ok) {
            n.thread->quit();
            n.thread->wait();
            if (i == 0)
                return false;
            break; // fewer threads than asked for: the platform cannot share the listener
        }
        m_network.push_back(std::move(n));
    }
    return true;
}

void NetCore::stopAccepting()
{
    for (NetworkThread &n : m_network)
        QMetaObject::invokeMethod(n.tcp, [tcp = n.tcp] { tcp->close(); }, Qt::BlockingQueuedConnection);
}

void NetCore::shutdown()
{
    stopAccepting(); // first
    delete std::exchange(m_metricsPort, nullptr);
    if (m_queue)
        m_queue->shutdown(); // the queue's streams and the heartbeats end
    m_routePool.waitForDone(3000);
    // Close every connection on its thread; then run what that posted here (exchanges learning
    // their client is gone) while the network threads still exist. After this no exchange is
    // open, so nothing posts to a network thread again and they can go.
    for (NetworkThread &n : m_network)
        QMetaObject::invokeMethod(n.tcp, [tcp = n.tcp] { tcp->closeAll(); }, Qt::BlockingQueuedConnection);
    QCoreApplication::sendPostedEvents();
    for (NetworkThread &n : m_network) {
        n.thread->quit();
        n.thread->wait();
        delete n.http; // with its TcpServer and any socket left; the thread has finished
    }
    m_network.clear();
    if (m_cacheSweep)
        m_files->sweep(std::chrono::seconds(0)); // delete_cache: everything, at exit
}

void NetCore::drain(std::chrono::milliseconds timeout, std::function<void()> done)
{
    if (m_queue && !m_queue->isDraining() && !m_queue->isStopped())
        new Drainer(m_queue, timeout, [this] { return unsentBytes(); }, std::move(done), this);
}

int NetCore::callsInFlight() const
{
    return m_queue ? int(m_queue->activeCalls()) : 0;
}

qint64 NetCore::unsentBytes() const
{
    qint64 bytes = 0;
    for (const NetworkThread &n : m_network)
        QMetaObject::invokeMethod(n.tcp, [tcp = n.tcp, &bytes] { bytes += tcp->unsentBytes(); }, Qt::BlockingQueuedConnection);
    return bytes;
}

QString NetCore::issueLoginTicket(const QString &username)
{
    return m_login ? m_login->issueTicket(username) : QString();
}

void NetCore::applyCors(const Request &request, Response &response) const
{
    // Only an allowed origin is ever named, and only then with credentials (gradio#13594).
    if (!m_guard || !m_guard->corsAllowed(request))
        return;
    response.setHeader("Access-Control-Allow-Origin", request.header("origin"));
    response.setHeader("Access-Control-Allow-Credentials", "true");
    response.addHeader("Vary", "Origin");
}

void NetCore::respond(http::Exchange *exchange, Response response)
{
    applyCors(exchange->request(), response);
    for (const auto &hook : m_d->afterHooks)
        hook(exchange->request(), response);
    exchange->send(std::move(response));
}

void NetCore::beginStream(http::Exchange *exchange, Response head, qint64 contentLength)
{
    applyCors(exchange->request(), head);
    for (const auto &hook : m_d->afterHooks)
        hook(exchange->request(), head);
    exchange->beginStream(std::move(head), contentLength);
}

Response NetCore::runHandler(const std::function<Response()> &work, const Request &request) const
{
    try {
        return work();
    } catch (const std::exception &e) {
        qCWarning(lcHttp) << "route" << request.path << "raised:" << e.what();
        try {
            if (m_d->errorHook)
                return m_d->errorHook(request, e);
        } catch (...) {
        }
    } catch (...) {
    }
    return Response::error(500, QStringLiteral("Internal Server Error"));
}

void NetCore::runUser(http::Exchange *exchange, std::function<Response()> work)
{
    QPointer<http::Exchange> target(exchange);
    m_routePool.start([this, target, home = exchange->home(), request = exchange->request(), work = std::move(work)] {
        Response response = runHandler(work, request);
        home->post([this, target, response = std::move(response)] {
            if (target)
                respond(target, response);
        });
    });
}

void NetCore::dispatch(http::Exchange *exchange)
{
    const Request &request = exchange->request();
    const http::Router::Match match = m_d->router.match(request.method, request.path);
    // A CORS preflight never carries credentials: it passes the token and login checks, not the others.
    const bool preflight = request.method == "OPTIONS" && request.hasHeader("access-control-request-method");
    int flags = match.route ? match.route->flags : 0;
    if (preflight)
        flags = (flags & ~http::LoginRequired) | http::Public;
    if (match.route)
        exchange->setRouteId(match.route->id);
    QString username;
    if (auto refusal = m_guard->check(request, flags, &username)) {
        respond(exchange, std::move(*refusal));
        return;
    }
    if (!username.isEmpty())
        exchange->setUsername(username);
    for (const auto &hook : m_d->beforeHooks) {
        if (auto early = hook(request)) {
            respond(exchange, std::move(*early));
            return;
        }
    }
    if (preflight) {
        Response r = Response::text(QStringLiteral("OK"));
        r.setHeader("Access-Control-Allow-Methods", "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT");
        r.setHeader("Access-Control-Max-Age", "600");
        if (request.hasHeader("access-control-request-headers"))
            r.setHeader("Access-Control-Allow-Headers", request.header("access-control-request-headers"));
        respond(exchange, r);
        return;
    }
    if (!match.route) {
        if (match.allowed.isEmpty()) {
            respond(exchange, Response::error(404, QStringLiteral("Not Found")));
            return;
        }
        QByteArray allow;
        for (const QByteArray &m : match.allowed)
            allow += (allow.isEmpty() ? "" : ", ") + m;
        if (request.method == "OPTIONS") {
            Response r(204, {}, {});
            r.setHeader("Allow", allow + ", OPTIONS");
            respond(exchange, r);
            return;
        }
        Response r = Response::error(405, QStringLiteral("Method Not Allowed"));
        r.setHeader("Allow", allow);
        respond(exchange, r);
        return;
    }
    exchange->setPathParams(match.params);
    const http::Route *route = match.route;
    if (route->user) {
        if (route->flags & http::Inline) {
            respond(exchange, runHandler([&] { return route->user(exchange->request()); }, exchange->request()));
            return;
        }
        runUser(exchange, [route, copy = exchange->request()] { return route->user(copy); });
        return;
    }
    if (route->flags & http::Inline) {
        route->builtin(exchange);
        return;
    }
    // The queue, MCP and streams live on the core thread.
    QPointer<http::Exchange> target(exchange);
    exchange->moveTo(this);
    QMetaObject::invokeMethod(this, [route, target] {
        if (target)
            route->builtin(target);
    }, Qt::QueuedConnection);
}

} // namespace qradio
