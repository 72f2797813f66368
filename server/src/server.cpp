// SPDX-License-Identifier: MIT
#include "server_p.h"
#include "tsan.h"

#include "files/filepolicy.h"
#include "files/staticfolder.h"
#include "security/tls.h"

#include <qradio/mcp.h>

#include <QLoggingCategory>
#include <QRandomGenerator>

Q_LOGGING_CATEGORY(lcApi, "qradio.api", QtInfoMsg)

namespace qradio {

namespace {

//! Gradio, too, publishes unnamed parameters as param_0, param_1, ...; clients then see names
//! that say nothing, so say which endpoints need params().
void reportUnnamedParams(const QList<std::shared_ptr<EndpointSpec>> &endpoints)
{
    for (const auto &e : endpoints) {
        const qsizetype n = e->invoker.paramSchemas.size();
        if (e->namedParams || n == 0)
            continue;
        QStringList names;
        for (qsizetype i = 0; i < n; ++i)
            names << QStringLiteral("param_%1").arg(i);
        qCWarning(lcApi).noquote() << QStringLiteral("endpoint '%1' does not name its parameters: clients see %2. "
                                                     "Name them with .params({...}).")
                                          .arg(e->name, names.join(QStringLiteral(", ")));
    }
}

} // namespace

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
    if (!qEnvironmentVariableIsEmpty("GRADIO_TEMP_DIR"))
        options.fileDir = qEnvironmentVariable("GRADIO_TEMP_DIR");
    if (qEnvironmentVariableIsSet("GRADIO_ROOT_PATH"))
        options.rootPath = qEnvironmentVariable("GRADIO_ROOT_PATH");
    const QString mcp = qEnvironmentVariable("GRADIO_MCP_SERVER").toLower();
    if (mcp == QLatin1String("true") || mcp == QLatin1String("1"))
        options.mcpServer = true;
    if (const int threads = qEnvironmentVariableIntValue("QRADIO_NETWORK_THREADS"); threads > 0)
        options.networkThreads = threads;
    if (!qEnvironmentVariableIsEmpty("QRADIO_TOKEN"))
        options.token = qEnvironmentVariable("QRADIO_TOKEN");
    const auto list = [](const char *name) {
        QStringList out;
        for (const QString &item : qEnvironmentVariable(name).split(QLatin1Char(','), Qt::SkipEmptyParts))
            out.append(item.trimmed());
        return out;
    };
    const QString publicHealth = qEnvironmentVariable("QRADIO_PUBLIC_HEALTH").toLower();
    if (publicHealth == QLatin1String("1") || publicHealth == QLatin1String("true"))
        options.publicHealth = true;
    options.allowedHosts += list("QRADIO_ALLOWED_HOSTS");
    options.allowedOrigins += list("QRADIO_ALLOWED_ORIGINS");
    const auto flag = [](const char *name) {
        const QString value = qEnvironmentVariable(name).toLower();
        return value == QLatin1String("1") || value == QLatin1String("true");
    };
    if (flag("QRADIO_METRICS"))
        options.metrics = true;
    if (const int port = qEnvironmentVariableIntValue("QRADIO_METRICS_PORT"); port > 0 && port < 65536)
        options.metricsPort = quint16(port);
    if (flag("QRADIO_ACCESS_LOG"))
        options.accessLog = true;
}

Server::Server(ServerOptions options, QObject *parent) : QObject(parent), d(std::make_unique<ServerPrivate>())
{
    d->options = std::move(options);
    applyEnvironment(d->options); // once: setOptions() afterwards has the last word
    d->appId = qint64(QRandomGenerator::global()->generate64() >> 12); // fits a JSON double exactly
    mcp(); // MCP is always there for stdio, and on HTTP with options.mcpServer
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
    const auto taken = [this](const QString &candidate) {
        return std::any_of(d->endpoints.cbegin(), d->endpoints.cend(), [&](const auto &e) { return e->name == candidate; });
    };
    for (int n = 1; taken(unique); ++n)
        unique = clean + QLatin1Char('_') + QString::number(n);
    spec->name = unique;
    spec->invoker = std::move(invoker);
    for (qsizetype i = 0; i < spec->invoker.paramSchemas.size(); ++i)
        spec->params.append(Param(QStringLiteral("param_%1").arg(i)));
    d->endpoints.append(spec);
    return EndpointBuilder(spec, this);
}

RouteBuilder Server::route(const QByteArray &method, const QString &pattern, Handler handler)
{
    Q_ASSERT_X(!isListening(), "qradio::Server::route", "add routes before listen()");
    return RouteBuilder(d.get(), d->router.addUser(method, pattern, std::move(handler)));
}

RouteBuilder Server::serveFolder(const QString &urlPrefix, const QString &folder, const StaticFolderOptions &options)
{
    Q_ASSERT_X(!isListening(), "qradio::Server::serveFolder", "add routes before listen()");
    auto files = std::make_shared<const files::StaticFolder>(folder, options);
    const QFileInfo info(files->folder());
    if (!info.isDir())
        qCWarning(files::lcFiles).noquote()
            << QStringLiteral("serveFolder: %1 is not a folder%2; requests under %3 get 404 until it is one.")
                   .arg(folder, info.exists() ? QString() : QStringLiteral(" (it does not exist)"), urlPrefix);
    const qsizetype index = d->router.addMount(urlPrefix);
    d->folders.append({index, std::move(files)});
    return RouteBuilder(d.get(), index);
}

RouteBuilder &RouteBuilder::publicAccess()
{
    m_d->router.userRoute(m_index).flags |= http::Public;
    return *this;
}

RouteBuilder &RouteBuilder::requireLogin()
{
    m_d->router.userRoute(m_index).flags |= http::LoginRequired;
    return *this;
}

RouteBuilder &RouteBuilder::nonBlocking()
{
    m_d->router.userRoute(m_index).flags |= http::Inline;
    return *this;
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
        d->listenError = ListenError::Other;
        return false;
    }
    d->listenError = ListenError::None;
    if (address && !address->isLoopback() && d->options.token.isEmpty() && !d->options.allowWithoutToken) {
        d->error = QStringLiteral("Refusing to listen on %1 without an access token: anyone who can reach the port "
                                  "could run the app. Set one with --token <secret>, the environment variable "
                                  "QRADIO_TOKEN or ServerOptions::token (e.g. QRADIO_TOKEN=$(openssl rand -hex 16)), "
                                  "or listen on 127.0.0.1. For an app meant for anyone (a public Space), say so with --public or "
                                  "QRADIO_PUBLIC=1.")
                       .arg(address->toString());
        d->listenError = ListenError::Refused;
        return false;
    }
    d->tls.reset();
    const ServerOptions &o = d->options;
    if (address && (!o.sslCertFile.isEmpty() || !o.sslKeyFile.isEmpty())) {
        d->tls = security::loadServerTls(o.sslCertFile, o.sslKeyFile, o.sslKeyPassword, &d->error);
        if (!d->tls) {
            d->listenError = ListenError::Tls;
            return false;
        }
    }
    d->endpointTable = EndpointTable({d->endpoints.cbegin(), d->endpoints.cend()});
    if (!std::exchange(d->unnamedParamsReported, true))
        reportUnnamedParams(d->endpoints);

    d->thread = std::make_unique<QThread>();
    d->thread->setObjectName(QStringLiteral("qradio-core"));
    d->thread->start();
    d->core = new NetCore(d.get());
    d->core->moveToThread(d->thread.get());
    bool ok = false;
    QMetaObject::invokeMethod(
        d->core,
        [&] {
            ok = d->core->listen(address, port, &d->error, &d->port);
            QRADIO_TSAN_RELEASE(d.get()); // the built-in routes, the MCP registry, error and port
        },
        Qt::BlockingQueuedConnection);
    QRADIO_TSAN_ACQUIRE(d.get());
    if (!ok) {
        stop();
        d->listenError = ListenError::Other;
        return false;
    }
    d->address = address ? *address : QHostAddress();
    d->draining = false;
    return true;
}

void Server::drain()
{
    if (!d->core || std::exchange(d->draining, true))
        return;
    // The core thread runs the drain and posts its end here. The server outlives the core (its
    // destructor stops it), and a post to a deleted object is dropped.
    const auto timeout = d->options.drainTimeout;
    QMetaObject::invokeMethod(d->core, [core = d->core, timeout, q = this] {
        core->drain(timeout, [q] {
            QMetaObject::invokeMethod(q, [q] {
                if (q->d->draining && q->d->core)
                    Q_EMIT q->drained();
            }, Qt::QueuedConnection);
        });
    }, Qt::QueuedConnection);
}

bool Server::isDraining() const { return d->draining; }

int Server::callsInFlight() const
{
    if (!d->core)
        return 0;
    int calls = 0;
    QMetaObject::invokeMethod(d->core, [core = d->core, &calls] { calls = core->callsInFlight(); },
                              Qt::BlockingQueuedConnection);
    return calls;
}

bool Server::isListening() const { return d->core != nullptr; }
QString Server::errorString() const { return d->error; }
Server::ListenError Server::listenError() const { return d->listenError; }

QSslCertificate Server::certificate() const
{
    return d->tls && isListening() ? d->tls->localCertificate() : QSslCertificate();
}
quint16 Server::port() const { return d->port; }
QHostAddress Server::address() const { return d->address; }

QString Server::issueLoginTicket(const QString &username)
{
    return d->core ? d->core->issueLoginTicket(username) : QString();
}

QUrl Server::url() const
{
    QUrl url;
    url.setScheme(d->tls ? QStringLiteral("https") : QStringLiteral("http"));
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
        QMetaObject::invokeMethod(core, [this, core] {
            core->shutdown();
            delete core;
            QRADIO_TSAN_RELEASE(d.get());
        }, Qt::BlockingQueuedConnection);
        QRADIO_TSAN_ACQUIRE(d.get());
        d->core = nullptr;
    }
    d->thread->quit();
    d->thread->wait();
    d->thread.reset();
    d->router.clearBuiltins(); // installed again by the next listen()
    d->draining = false;
    Q_EMIT stopped();
}

QList<std::shared_ptr<const EndpointSpec>> Server::endpoints() const
{
    QList<std::shared_ptr<const EndpointSpec>> out;
    for (const auto &e : std::as_const(d->endpoints))
        out.append(e);
    return out;
}

} // namespace qradio
