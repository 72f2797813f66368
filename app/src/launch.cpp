// SPDX-License-Identifier: MIT
#include <qradio/app.h>
#include <qradio/mcp.h>
#include <qradio/server.h>

#include "appmanifest.h"
#include "binding.h"
#include "commandline.h"
#include "jsonlog.h"
#include "frontendloader.h"
#include "shutdown.h"
#include "signalwatcher.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QUrlQuery>

#include <cstdio>
#include <memory>

Q_LOGGING_CATEGORY(lcLaunch, "qradio.app", QtInfoMsg)

namespace qradio {

namespace {

void print(FILE *stream, const QString &text)
{
    std::fputs(text.toLocal8Bit().constData(), stream);
    std::fflush(stream);
}

void printLine(FILE *stream, const QString &line)
{
    print(stream, line + QLatin1Char('\n'));
}

QString defaultAppId(const LaunchOptions &options, char **argv)
{
    if (!options.appId.isEmpty())
        return options.appId;
    const QString name = QFileInfo(QString::fromLocal8Bit(argv[0])).completeBaseName();
    return name.isEmpty() ? QStringLiteral("qradio") : name;
}

bool debugBuild()
{
#ifdef NDEBUG
    return false;
#else
    return true;
#endif
}

//! Where the run stands when the event loop ends; decides the exit code.
struct Run
{
    std::unique_ptr<detail::Frontend> frontend;     // null: headless
    std::unique_ptr<QCoreApplication> app;
    bool failed = false;
};

//! Decides, before any application object exists, whether this run gets a window, and loads the
//! window's module only if so. `reason` says why the run is headless though a window could have
//! been wanted; `failure` is set when a window is wanted but its module did not load.
std::unique_ptr<detail::Frontend> chooseFrontend(int argc, char **argv, const detail::AppManifest &manifest,
                                                QString *reason, QString *failure)
{
    const detail::PreScan scan = detail::preScan(argc, argv);
    if (scan.headless || scan.infoOnly)
        return nullptr;
#ifdef QRADIO_HAS_DESKTOP
    if (!detail::displayAvailable(argc, argv)) {
        *reason = QStringLiteral("no display found (DISPLAY and WAYLAND_DISPLAY are not set)");
        return nullptr;
    }
    detail::LoadedFrontend loaded =
        detail::loadFrontend(detail::frontendCandidates(detail::installedModulePath(manifest), manifest.modulePath));
    if (!loaded.frontend)
        *failure = detail::frontendFailureMessage(loaded);
    return std::move(loaded.frontend);
#else
    Q_UNUSED(argv);
    Q_UNUSED(manifest);
    Q_UNUSED(failure);
    *reason = QStringLiteral("this build of Qradio has no desktop window");
    return nullptr;
#endif
}

detail::WindowSpec windowSpec(const Server &server, const LaunchOptions &options, const detail::LaunchConfig &config,
                              const QString &appId)
{
    detail::WindowSpec spec;
    spec.options = options;
    spec.options.appId = appId;
    spec.options.devTools = config.devTools || options.devTools || debugBuild();
    spec.fallbackTitle = server.options().title;
    return spec;
}

//! MCP over stdio needs no port: one opens only when asked for (--port, GRADIO_SERVER_PORT).
//! Who the window logs in as with password login: the first configured user, else (a callback
//! alone names nobody) the account running the app. Nobody with authDependency: that login
//! happens outside the app.
QString windowUser(const ServerOptions &options)
{
    if (!options.auth.isEmpty())
        return options.auth.first().first;
    if (!options.authCallback)
        return {};
    const QString account = qEnvironmentVariable("USER", qEnvironmentVariable("USERNAME"));
    return account.isEmpty() ? QStringLiteral("local") : account;
}

bool isTls(const Server &server)
{
    return !server.certificate().isNull();
}

bool isPortless(const detail::LaunchConfig &config)
{
    return config.mcpStdio && !config.explicitPort;
}

//! Binds the port, or only starts the server for a portless MCP stdio session.
detail::BindResult startServer(Server &server, const detail::LaunchConfig &config, std::optional<QHostAddress> *address)
{
    if (isPortless(config)) {
        const bool ok = server.start();
        return {ok, ok ? QString() : server.errorString()};
    }
    QString error;
    *address = detail::resolveHost(config.host, &error);
    if (!*address)
        return {false, error};
    if (!(*address)->isLoopback() && server.options().token.isEmpty() && !server.options().allowWithoutToken)
        return {false,
                QStringLiteral("Refusing to serve on %1 without an access token: anyone who can reach the port could "
                               "run this app. Start it with --token <secret> or the environment variable QRADIO_TOKEN "
                               "(e.g. QRADIO_TOKEN=$(openssl rand -hex 16)), or serve on 127.0.0.1. For an app meant for "
                               "anyone (a public Space), say so with --public or QRADIO_PUBLIC=1.")
                    .arg(config.host),
                2};
    return detail::bindServer(server, **address, config.port, config.explicitPort);
}

//! Where MCP clients connect, printed after the local URL.
void printMcpUrls(FILE *stream, const Server &server, const detail::LaunchConfig &config)
{
    if (!server.options().mcpServer)
        return;
    const QString base = detail::printableUrl(config.host, server.port(), isTls(server));
    printLine(stream, QStringLiteral("MCP server (streamable HTTP): %1/gradio_api/mcp/").arg(base));
    printLine(stream, QStringLiteral("MCP server (legacy SSE): %1/gradio_api/mcp/sse").arg(base));
}

//! Dev mode (--dev-url): what the window shows and where the API is.
void printDevMode(const detail::LaunchConfig &config, const Server &server, bool window)
{
    const QString api = detail::printableUrl(config.host, server.port(), isTls(server));
    printLine(stdout, window ? QStringLiteral("Dev mode: window loads %1; API on %2").arg(config.devUrl.toDisplayString(), api)
                             : QStringLiteral("Dev mode (headless, no window to load %1): %2 may call the API on %3")
                                   .arg(config.devUrl.toDisplayString(), detail::originOf(config.devUrl), api));
}

//! From here on stdout belongs to the MCP protocol: the launcher speaks on stderr.
bool startMcpStdio(Server &server, const LaunchOptions &options, const detail::LaunchConfig &config)
{
    printLine(stderr, isPortless(config)
                          ? QStringLiteral("Speaking MCP over stdin/stdout; no HTTP port (--port opens one).")
                          : QStringLiteral("Running on local URL: ") + detail::printableUrl(config.host, server.port(), isTls(server)));
    if (!isPortless(config))
        printMcpUrls(stderr, server, config);
    const bool started = options.mcpStdio ? options.mcpStdio(server) : mcp::startStdio(server);
    if (!started)
        printLine(stderr, QStringLiteral("Could not start MCP over stdio."));
    return started;
}

} // namespace

int launch(Server &server, int argc, char **argv, const LaunchOptions &givenOptions)
{
    const detail::AppManifest manifest = detail::readAppManifest();
    const LaunchOptions options = detail::withManifestDefaults(givenOptions, manifest);
    if (QCoreApplication::instance()) {
        printLine(stderr, QStringLiteral("qradio::launch() creates the application object itself: "
                                         "call it before any QCoreApplication exists."));
        return 1;
    }
    Run run;
    QString headlessReason;
    QString frontendFailure;
    run.frontend = chooseFrontend(argc, argv, manifest, &headlessReason, &frontendFailure);
    if (!frontendFailure.isEmpty()) {
        // A window was wanted (a display is there, no --headless): running without one would
        // look like a hang to whoever started the app.
        printLine(stderr, frontendFailure);
        return 1;
    }

    int appArgc = argc;     // the application keeps a reference to it
    run.app.reset(run.frontend ? run.frontend->createApplication(appArgc, argv) : new QCoreApplication(appArgc, argv));
    const QString appId = defaultAppId(options, argv);
    QCoreApplication::setApplicationName(appId);
    QCoreApplication::setApplicationVersion(options.version.isEmpty() ? QStringLiteral(QRADIO_VERSION) : options.version);

    const QString title = options.title.isEmpty() ? server.options().title : options.title;
    const detail::ParseResult parsed = detail::parseCommandLine(QCoreApplication::arguments(), options, title);
    if (parsed.action == detail::ParseResult::Exit) {
        print(parsed.exitCode == 0 ? stdout : stderr, parsed.output);
        return parsed.exitCode;
    }
    const detail::LaunchConfig &config = parsed.config;
    if (config.observe.jsonLogs)
        detail::installJsonLogHandler();
    for (const QString &warning : parsed.warnings)
        printLine(stderr, warning);
    if (!headlessReason.isEmpty())
        printLine(stderr, QStringLiteral("Running headless: %1.").arg(headlessReason));

    ServerOptions serverOptions = server.options();
    serverOptions.mcpServer = config.mcp.value_or(options.mcpServer || serverOptions.mcpServer);
    if (config.token)
        serverOptions.token = *config.token;
    serverOptions.allowWithoutToken = serverOptions.allowWithoutToken || config.allowWithoutToken;
    serverOptions.allowedOrigins += config.allowedOrigins;
    if (!config.devUrl.isEmpty())
        serverOptions.allowedOrigins += detail::originOf(config.devUrl); // the dev page calls the API
    serverOptions.allowedHosts += config.allowedHosts;
    serverOptions.auth += config.auth;
    if (config.authMessage)
        serverOptions.authMessage = *config.authMessage;
    if (config.maxFileSize)
        serverOptions.maxFileSize = *config.maxFileSize;
    serverOptions.allowedPaths += config.allowedPaths;
    serverOptions.blockedPaths += config.blockedPaths;
    serverOptions.fileUrlNetworks += config.fileUrlNetworks;
    if (config.deleteCache) {
        serverOptions.deleteCacheEvery = std::chrono::seconds(config.deleteCache->first);
        serverOptions.deleteCacheAge = std::chrono::seconds(config.deleteCache->second);
    }
    if (!config.sslCertFile.isEmpty())
        serverOptions.sslCertFile = config.sslCertFile;
    if (!config.sslKeyFile.isEmpty())
        serverOptions.sslKeyFile = config.sslKeyFile;
    if (config.sslKeyPassword)
        serverOptions.sslKeyPassword = *config.sslKeyPassword;
    detail::applyObserveConfig(config.observe, serverOptions);
    if (config.drainTimeout)
        serverOptions.drainTimeout = *config.drainTimeout;
    serverOptions.publicHealth = serverOptions.publicHealth || config.publicHealth;
    server.setOptions(serverOptions);
    if (!manifest.frontend.isEmpty()) {
        // qradio_add_app(... FRONTEND): the app's page at "/", behind the login when there is one.
        // A GET / of the app's own, registered before, still wins.
        server.serveFolder(QStringLiteral("/"), manifest.frontend, {.spaFallback = true}).requireLogin();
    }

    detail::WindowSpec spec = windowSpec(server, options, config, appId);
    if (run.frontend && options.singleInstance && !run.frontend->claimInstance(appId)) {
        printLine(stderr, QStringLiteral("%1 is already running; brought its window to the front.").arg(title));
        run.frontend->shutdown();
        return 0;
    }

    detail::SignalWatcher signalWatcher;
    detail::Shutdown shutdown(server, signalWatcher); // SIGTERM, Ctrl+C: drain, then quit

    std::optional<QHostAddress> address;
    const detail::BindResult bound = startServer(server, config, &address);
    if (!bound.ok) {
        printLine(stderr, bound.error);
        run.failed = true;
        if (!run.frontend || bound.exitCode != 1)
            return bound.exitCode;
        run.frontend->showStartupError(spec, QStringLiteral("%1 could not start").arg(title), bound.error);
    } else if (config.mcpStdio) {
        if (!startMcpStdio(server, options, config)) {
            server.stop();
            return 1;
        }
    } else {
        // Tests and scripts read this line: it goes out the moment the port is bound.
        printLine(stdout, QStringLiteral("Running on local URL: ") + detail::printableUrl(config.host, server.port(), isTls(server)));
        printMcpUrls(stdout, server, config);
        const QString token = server.options().token;
        if (!token.isEmpty())
            printLine(stdout, QStringLiteral("Access token required. Open in a browser: %1/?token=%2")
                                  .arg(detail::printableUrl(config.host, server.port(), isTls(server)),
                                       QString::fromLatin1(QUrl::toPercentEncoding(token))));
        else if (!address->isLoopback())
            printLine(stderr, QStringLiteral("No access token (--public): anyone who can reach port %1 can call this app.")
                                  .arg(server.port()));
        const QUrl base = detail::localUrl(*address, config.host, server.port(), isTls(server));
        spec.url = base.resolved(QUrl(options.page.isEmpty() ? QStringLiteral("/") : options.page));
        if (!token.isEmpty()) {
            // The window presents the token once and gets the cookie its later requests carry.
            QUrlQuery query(spec.url);
            query.addQueryItem(QStringLiteral("token"), QString::fromLatin1(QUrl::toPercentEncoding(token)));
            spec.url.setQuery(query);
        }
        if (const QString user = windowUser(server.options()); run.frontend && !user.isEmpty()) {
            // The window is the app's own: it logs in with a one-time ticket, as the token above.
            QUrlQuery query(spec.url);
            query.addQueryItem(QStringLiteral("login_ticket"), server.issueLoginTicket(user));
            spec.url.setQuery(query);
        }
        if (!config.devUrl.isEmpty())
            printDevMode(config, server, run.frontend != nullptr);
        spec.devUrl = config.devUrl;
        spec.gradioClientUrl = base.resolved(QUrl(QStringLiteral("/gradio_api/client.js")));
        spec.serverCertificate = server.certificate().toPem();
        if (run.frontend)
            run.frontend->showWindow(spec);
    }

    const int code = run.app->exec();
    signalWatcher.restoreDefaults(); // a signal during a stuck stop ends the process
    if (run.frontend) {
        run.frontend->shutdown();
        run.frontend.reset();
    }
    server.stop();
    run.app.reset();
    return run.failed ? 1 : code;
}

} // namespace qradio
