// SPDX-License-Identifier: MIT
#include "server_p.h"

#include "http/httpserver.h"
#include "http/tcpserver.h"
#include "queue/queue.h"

#include <QJsonDocument>
#include <QLoggingCategory>
#include <QRandomGenerator>

Q_DECLARE_LOGGING_CATEGORY(lcHttp)

namespace qradio {

// ---- Server ----------------------------------------------------------------------------------

static void applyEnvironment(ServerOptions &options)
{
    const QByteArray limit = qgetenv("GRADIO_DEFAULT_CONCURRENCY_LIMIT");
    if (!limit.isEmpty())
        options.defaultConcurrencyLimit = limit.toLower() == "none" ? 0 : limit.toInt();
    bool ok = false;
    const double heartbeat = qEnvironmentVariable("GRADIO_HEARTBEAT_INTERVAL").toDouble(&ok);
    if (ok && heartbeat > 0)
        options.heartbeatInterval = std::chrono::milliseconds(qint64(heartbeat * 1000));
    if (qEnvironmentVariableIsSet("GRADIO_ROOT_PATH"))
        options.rootPath = qEnvironmentVariable("GRADIO_ROOT_PATH");
    const QString mcp = qEnvironmentVariable("GRADIO_MCP_SERVER").toLower();
    if (mcp == QLatin1String("true") || mcp == QLatin1String("1"))
        options.mcpServer = true;
}

Server::Server(ServerOptions options, QObject *parent) : QObject(parent), d(std::make_unique<ServerPrivate>())
{
    d->options = std::move(options);
    applyEnvironment(d->options); // once: setOptions() afterwards has the last word
    d->appId = qint64(QRandomGenerator::global()->generate64() >> 12); // fits a JSON double exactly
}

Server::~Server()
{
    stop();
}

const ServerOptions &Server::options() const { return d->options; }

void Server::setOptions(const ServerOptions &options)
{
    Q_ASSERT_X(!isListening(), "qradio::Server::setOptions", "options are fixed once the server listens");
    d->options = options;
}

EndpointBuilder Server::addEndpoint(const QString &name, detail::Invoker invoker)
{
    Q_ASSERT_X(!isListening(), "qradio::Server::api", "register endpoints before listen()");
    auto spec = std::make_shared<EndpointSpec>();
    spec->id = int(d->endpoints.size());
    // Gradio's rule: punctuation other than - and _ is dropped; duplicates get a suffix.
    QString clean;
    for (const QChar c : name)
        if (c.isLetterOrNumber() || c == QLatin1Char('_') || c == QLatin1Char('-'))
            clean += c;
    QString unique = clean;
    for (int n = 1; d->endpointByName(unique); ++n)
        unique = clean + QLatin1Char('_') + QString::number(n);
    spec->name = unique;
    spec->invoker = std::move(invoker);
    for (qsizetype i = 0; i < spec->invoker.paramSchemas.size(); ++i)
        spec->params.append(Param(QStringLiteral("param_%1").arg(i)));
    d->endpoints.append(spec);
    return EndpointBuilder(spec);
}

void Server::route(const QByteArray &method, const QString &pattern, Handler handler)
{
    Q_ASSERT_X(!isListening(), "qradio::Server::route", "add routes before listen()");
    d->router.addUser(method, pattern, std::move(handler));
}

void Server::beforeRequest(std::function<std::optional<Response>(const Request &)> hook)
{
    d->beforeHooks.push_back(std::move(hook));
}

void Server::afterRequest(std::function<void(const Request &, Response &)> hook)
{
    d->afterHooks.push_back(std::move(hook));
}

void Server::onError(std::function<Response(const Request &, const std::exception &)> hook)
{
    d->errorHook = std::move(hook);
}

bool Server::listen(const QHostAddress &address, quint16 port)
{
    return serve(&address, port);
}

bool Server::start()
{
    return serve(nullptr, 0);
}

bool Server::serve(const QHostAddress *address, quint16 port)
{
    if (isListening()) {
        d->error = QStringLiteral("already listening");
        return false;
    }
    d->frozen.clear();
    for (const auto &e : std::as_const(d->endpoints))
        d->frozen.append(e);
    d->installBuiltinRoutes();

    d->thread = std::make_unique<QThread>();
    d->thread->setObjectName(QStringLiteral("qradio-net"));
    d->thread->start();
    d->core = new NetCore(d.get());
    d->core->moveToThread(d->thread.get());
    bool ok = false;
    QMetaObject::invokeMethod(
        d->core, [&] { ok = d->core->listen(address, port, &d->error, &d->port); }, Qt::BlockingQueuedConnection);
    if (!ok) {
        stop();
        return false;
    }
    d->address = address ? *address : QHostAddress();
    return true;
}

bool Server::isListening() const { return d->core != nullptr; }
QString Server::errorString() const { return d->error; }
quint16 Server::port() const { return d->port; }
QHostAddress Server::address() const { return d->address; }

QUrl Server::url() const
{
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    // A wildcard address is reached through loopback of the same family (Qt binds :: as IPv6 only).
    QHostAddress host = d->address;
    if (host == QHostAddress::AnyIPv6)
        host = QHostAddress::LocalHostIPv6;
    else if (host == QHostAddress::Any || host == QHostAddress::AnyIPv4)
        host = QHostAddress::LocalHost;
    url.setHost(host.toString());
    url.setPort(d->port);
    return url;
}

void Server::stop()
{
    if (!d->thread)
        return;
    if (d->core) {
        NetCore *core = d->core;
        QMetaObject::invokeMethod(core, [core] {
            core->shutdown();
            delete core;
        }, Qt::BlockingQueuedConnection);
        d->core = nullptr;
    }
    d->thread->quit();
    d->thread->wait();
    d->thread.reset();
    d->router.clearBuiltins(); // installed again by the next listen()
    Q_EMIT stopped();
}

QList<std::shared_ptr<const EndpointSpec>> Server::endpoints() const
{
    QList<std::shared_ptr<const EndpointSpec>> out;
    for (const auto &e : std::as_const(d->endpoints))
        out.append(e);
    return out;
}

// ---- EndpointBuilder -------------------------------------------------------------------------

EndpointBuilder &EndpointBuilder::params(std::initializer_list<Param> params)
{
    Q_ASSERT_X(qsizetype(params.size()) == m_spec->invoker.paramSchemas.size(), "qradio::EndpointBuilder::params",
               "the number of names must match the function's API parameters");
    m_spec->params = QList<Param>(params);
    while (m_spec->params.size() < m_spec->invoker.paramSchemas.size())
        m_spec->params.append(Param(QStringLiteral("param_%1").arg(m_spec->params.size())));
    m_spec->params.resize(m_spec->invoker.paramSchemas.size(), Param(QString()));
    for (qsizetype i = 0; i < m_spec->params.size(); ++i) {
        // Gradio renames parameters that clash with its client keywords.
        const QString &n = m_spec->params[i].name;
        if (n == QLatin1String("api_name") || n == QLatin1String("fn_index") || n == QLatin1String("result_callbacks"))
            m_spec->params[i].name = QStringLiteral("param_%1").arg(i);
    }
    return *this;
}

EndpointBuilder &EndpointBuilder::description(const QString &text) { m_spec->description = text; return *this; }
EndpointBuilder &EndpointBuilder::visibility(Visibility v) { m_spec->visibility = v; return *this; }
EndpointBuilder &EndpointBuilder::queue(bool enabled) { m_spec->queue = enabled; return *this; }
EndpointBuilder &EndpointBuilder::concurrencyLimit(int limit)
{
    m_spec->concurrencyLimit = std::max(0, limit);
    m_spec->concurrencyLimitSet = true;
    return *this;
}
EndpointBuilder &EndpointBuilder::concurrencyId(const QString &id) { m_spec->concurrencyId = id; return *this; }
EndpointBuilder &EndpointBuilder::timeLimit(double seconds) { m_spec->timeLimit = seconds; return *this; }
EndpointBuilder &EndpointBuilder::streamEvery(double seconds) { m_spec->streamEvery = std::max(0.0, seconds); return *this; }
EndpointBuilder &EndpointBuilder::batch(int maxSize)
{
    m_spec->batch = true;
    m_spec->maxBatchSize = std::max(1, maxSize);
    return *this;
}
EndpointBuilder &EndpointBuilder::mcpTool(const QString &name)
{
    m_spec->mcpTool = true;
    m_spec->mcpName = name;
    return *this;
}

// ---- ServerPrivate ---------------------------------------------------------------------------

std::shared_ptr<const EndpointSpec> ServerPrivate::endpointByName(const QString &name) const
{
    for (const auto &e : endpoints)
        if (e->name == name)
            return e;
    return nullptr;
}

std::shared_ptr<const EndpointSpec> ServerPrivate::endpointById(int id) const
{
    return id >= 0 && id < endpoints.size() ? endpoints.at(id) : nullptr;
}

void ServerPrivate::installBuiltinRoutes()
{
    api::installApiRoutes(*this);
    queue::installQueueRoutes(*this);
    mcp::installRoutes(*this);
}

// ---- NetCore ---------------------------------------------------------------------------------

NetCore::NetCore(ServerPrivate *d) : m_d(d), m_heartbeatTimer(this)
{
    m_routePool.setMaxThreadCount(std::max(4, QThread::idealThreadCount()));
    m_routePool.setObjectName(QStringLiteral("qradio-routes"));
    connect(&m_heartbeatTimer, &QTimer::timeout, this, [this] {
        m_heartbeats.removeIf([](const QPointer<http::Exchange> &e) { return !e || !e->isOpen(); });
        for (const auto &e : std::as_const(m_heartbeats))
            e->write("data: ALIVE\n\n");
    });
}

NetCore::~NetCore() = default;

bool NetCore::listen(const QHostAddress *address, quint16 port, QString *error, quint16 *boundPort)
{
    m_mailbox = std::make_shared<queue::Mailbox>(this);
    m_queue = new queue::Queue(m_d->options, this);
    m_queue->setEndpoints(m_d->frozen);
    const ServerOptions &o = m_d->options;
    m_heartbeatTimer.start(o.heartbeatInterval);
    if (!address)
        return true; // no port: in-process transports only
    m_http = new http::HttpServer(this);
    m_tcp = new http::TcpServer({o.maxBodySize, o.maxHeaderSize, o.idleTimeout, o.maxStreamBuffer}, o.maxConnections);
    if (!m_tcp->listen(*address, port)) {
        *error = m_tcp->errorString();
        delete m_tcp;
        m_tcp = nullptr;
        return false;
    }
    connect(m_tcp, &http::TcpServer::connectionReady, this, [this](http::HttpConnection *connection) {
        connect(connection, &http::HttpConnection::dispatch, this, &NetCore::dispatch);
    });
    m_http->bind(m_tcp);
    *boundPort = m_tcp->serverPort();
    return true;
}

void NetCore::shutdown()
{
    if (m_tcp)
        m_tcp->close(); // stop accepting first
    if (m_mailbox)
        m_mailbox->close();
    if (m_queue)
        m_queue->shutdown();
    for (const auto &e : std::as_const(m_heartbeats))
        if (e)
            e->end();
    m_heartbeats.clear();
    m_routePool.waitForDone(3000);
    if (m_tcp)
        m_tcp->closeAll();
}

void NetCore::addHeartbeat(http::Exchange *exchange)
{
    m_heartbeats.append(exchange);
}

bool NetCore::originAllowed(const Request &request) const
{
    // Gradio's rule: an app reached under a localhost name only answers local origins (CSRF
    // protection); an app reached under a public name answers any origin.
    static const QStringList aliases{QStringLiteral("localhost"), QStringLiteral("127.0.0.1"), QStringLiteral("0.0.0.0"),
                                     QStringLiteral("::1"), QStringLiteral("[::1]")};
    const QString host = QUrl(QStringLiteral("http://") + QString::fromUtf8(request.header("host"))).host();
    QString originText = QString::fromUtf8(request.header("origin"));
    if (!originText.contains(QLatin1String("://")))
        originText.prepend(QStringLiteral("http://"));
    const QString origin = QUrl(originText).host();
    return !aliases.contains(host) || aliases.contains(origin);
}

void NetCore::applyCors(const Request &request, Response &response) const
{
    if (!request.hasHeader("origin"))
        return;
    response.setHeader("Access-Control-Allow-Credentials", "true");
    if (originAllowed(request)) {
        response.setHeader("Access-Control-Allow-Origin", request.header("origin"));
        response.addHeader("Vary", "Origin");
    }
}

void NetCore::respond(http::Exchange *exchange, Response response)
{
    applyCors(exchange->request(), response);
    for (const auto &hook : m_d->afterHooks)
        hook(exchange->request(), response);
    exchange->send(std::move(response));
}

void NetCore::beginStream(http::Exchange *exchange, Response head)
{
    applyCors(exchange->request(), head);
    for (const auto &hook : m_d->afterHooks)
        hook(exchange->request(), head);
    exchange->beginStream(std::move(head));
}

bool NetCore::jsonBody(http::Exchange *exchange, QJsonObject *out)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(exchange->request().body, &error);
    if (error.error == QJsonParseError::NoError && doc.isObject()) {
        *out = doc.object();
        return true;
    }
    const QString msg = error.error != QJsonParseError::NoError
        ? QStringLiteral("JSON decode error: %1 at offset %2").arg(error.errorString()).arg(error.offset)
        : QStringLiteral("Input should be a JSON object");
    const QJsonObject item{{QStringLiteral("type"), error.error != QJsonParseError::NoError ? QStringLiteral("json_invalid")
                                                                                          : QStringLiteral("model_attributes_type")},
                           {QStringLiteral("loc"), QJsonArray{QStringLiteral("body"), int(error.offset)}},
                           {QStringLiteral("msg"), msg},
                           {QStringLiteral("input"), QJsonObject()}};
    respond(exchange, Response::json(QJsonObject{{QStringLiteral("detail"), QJsonArray{item}}}, 422));
    return false;
}

void NetCore::runUser(http::Exchange *exchange, std::function<Response()> work)
{
    QPointer<http::Exchange> target(exchange);
    std::shared_ptr<queue::Mailbox> mailbox = m_mailbox;
    const Request request = exchange->request();
    auto errorHook = m_d->errorHook;
    m_routePool.start([this, target, mailbox, request, errorHook, work = std::move(work)] {
        Response response;
        try {
            response = work();
        } catch (const std::exception &e) {
            qCWarning(lcHttp) << "route" << request.path << "raised:" << e.what();
            try {
                response = errorHook ? errorHook(request, e) : Response::error(500, QStringLiteral("Internal Server Error"));
            } catch (...) {
                response = Response::error(500, QStringLiteral("Internal Server Error"));
            }
        } catch (...) {
            response = Response::error(500, QStringLiteral("Internal Server Error"));
        }
        mailbox->post([this, target, response] {
            if (target)
                respond(target, response);
        });
    });
}

void NetCore::dispatch(http::Exchange *exchange)
{
    const Request &request = exchange->request();
    for (const auto &hook : m_d->beforeHooks) {
        if (auto early = hook(request)) {
            respond(exchange, std::move(*early));
            return;
        }
    }
    if (request.method == "OPTIONS" && request.hasHeader("access-control-request-method")) {
        Response preflight = Response::text(QStringLiteral("OK"));
        preflight.setHeader("Access-Control-Allow-Methods", "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT");
        preflight.setHeader("Access-Control-Max-Age", "600");
        if (request.hasHeader("access-control-request-headers"))
            preflight.setHeader("Access-Control-Allow-Headers", request.header("access-control-request-headers"));
        respond(exchange, preflight);
        return;
    }
    const http::Router::Match match = m_d->router.match(request.method, request.path);
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
    if (match.route->user) {
        auto handler = match.route->user;
        Request copy = request;
        runUser(exchange, [handler, copy] { return handler(copy); });
        return;
    }
    match.route->builtin(exchange);
}

} // namespace qradio
