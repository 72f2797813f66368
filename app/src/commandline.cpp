// SPDX-License-Identifier: MIT
#include "commandline.h"

#include <qradio/app.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>

#include <cstring>

namespace qradio::detail {

namespace {

constexpr const char *kEndOfOptions[] = {"--", "--webEngineArgs"};

bool isEndOfOptions(const char *arg)
{
    for (const char *end : kEndOfOptions) {
        if (std::strcmp(arg, end) == 0)
            return true;
    }
    return false;
}

std::optional<bool> envFlag(const char *name)
{
    const QString v = qEnvironmentVariable(name).trimmed().toLower();
    if (v == QLatin1String("true") || v == QLatin1String("1") || v == QLatin1String("yes"))
        return true;
    if (v == QLatin1String("false") || v == QLatin1String("0") || v == QLatin1String("no"))
        return false;
    return std::nullopt;
}

std::optional<quint16> parsePort(const QString &text)
{
    bool ok = false;
    const uint port = text.toUInt(&ok);
    if (!ok || port > 65535)
        return std::nullopt;
    return quint16(port);
}

//! "user:password" split at the first colon (a password may hold colons, a name may not).
std::optional<QPair<QString, QString>> authPair(const QString &text)
{
    const qsizetype colon = text.indexOf(QLatin1Char(':'));
    if (colon <= 0 || text.left(colon).trimmed().isEmpty())
        return std::nullopt;
    return QPair<QString, QString>(text.left(colon).trimmed(), text.mid(colon + 1));
}

} // namespace

std::optional<QList<QPair<QString, QString>>> readAuthFile(const QString &path, QString *error, QString *warning)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
        *error = QStringLiteral("Cannot read the auth file %1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    if (file.permissions() & (QFile::ReadGroup | QFile::ReadOther))
        *warning = QStringLiteral("Warning: the auth file %1 is readable by other users; restrict it with chmod 600.")
                       .arg(path);
    QList<QPair<QString, QString>> pairs;
    int number = 0;
    while (!file.atEnd()) {
        ++number;
        QString line = QString::fromUtf8(file.readLine());
        while (line.endsWith(QLatin1Char('\n')) || line.endsWith(QLatin1Char('\r')))
            line.chop(1);
        if (line.trimmed().isEmpty() || line.trimmed().startsWith(QLatin1Char('#')))
            continue;
        const auto pair = authPair(line);
        if (!pair) {
            *error = QStringLiteral("The auth file %1, line %2: expected user:password.").arg(path).arg(number);
            return std::nullopt;
        }
        pairs.append(*pair);
    }
    if (pairs.isEmpty()) {
        *error = QStringLiteral("The auth file %1 names no user (expected user:password lines).").arg(path);
        return std::nullopt;
    }
    return pairs;
}

PreScan preScan(int argc, char **argv)
{
    PreScan scan;
    for (int i = 1; i < argc && !isEndOfOptions(argv[i]); ++i) {
        const char *a = argv[i];
        if (!std::strcmp(a, "--headless") || !std::strcmp(a, "--mcp-stdio"))
            scan.headless = true;
        else if (!std::strcmp(a, "--help") || !std::strcmp(a, "-h") || !std::strcmp(a, "-?")
                 || !std::strcmp(a, "--help-all") || !std::strcmp(a, "--version") || !std::strcmp(a, "-v"))
            scan.infoOnly = true;
    }
    return scan;
}

bool displayAvailable(int argc, char **argv)
{
    if (!qEnvironmentVariableIsEmpty("DISPLAY") || !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")
        || !qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        return true;
    for (int i = 1; i < argc && !isEndOfOptions(argv[i]); ++i) {
        if (!std::strcmp(argv[i], "-platform") || !std::strcmp(argv[i], "--platform"))
            return true;
    }
    return false;
}

ParseResult parseCommandLine(const QStringList &arguments, const LaunchOptions &options, const QString &description)
{
    QStringList args = arguments;
    if (const qsizetype engine = args.indexOf(QStringLiteral("--webEngineArgs")); engine > 0)
        args.resize(engine);

    QCommandLineParser parser;
    parser.setApplicationDescription(description);
    const QCommandLineOption help = parser.addHelpOption();
    const QCommandLineOption version = parser.addVersionOption();
    const QCommandLineOption host(QStringLiteral("host"),
        QStringLiteral("Address to listen on (default %1; 0.0.0.0 for every interface; env GRADIO_SERVER_NAME).")
            .arg(options.host), QStringLiteral("host"));
    const QCommandLineOption port(QStringLiteral("port"),
        QStringLiteral("Port to listen on (default %1, or the next free one; 0 picks any; env GRADIO_SERVER_PORT).")
            .arg(options.port), QStringLiteral("port"));
    const QCommandLineOption headless(QStringLiteral("headless"), QStringLiteral("Serve only; open no window."));
    const QCommandLineOption mcp(QStringLiteral("mcp"),
        QStringLiteral("Serve MCP at /gradio_api/mcp/ (env GRADIO_MCP_SERVER=true)."));
    const QCommandLineOption noMcp(QStringLiteral("no-mcp"), QStringLiteral("Do not serve MCP."));
    const QCommandLineOption mcpStdio(QStringLiteral("mcp-stdio"),
        QStringLiteral("Speak MCP over stdin/stdout (runs headless)."));
    const QCommandLineOption devTools(QStringLiteral("devtools"), QStringLiteral("Allow DevTools (F12) in the window."));
    const QCommandLineOption token(QStringLiteral("token"),
        QStringLiteral("Access token every client must send (required with a --host other than loopback; "
                       "env QRADIO_TOKEN)."), QStringLiteral("token"));
    const QCommandLineOption publicAccess(QStringLiteral("public"),
        QStringLiteral("Listen beyond loopback without an access token: anyone who can reach the port can call "
                       "the app, e.g. a public Space (env QRADIO_PUBLIC=1)."));
    const QCommandLineOption allowOrigin(QStringLiteral("allow-origin"),
        QStringLiteral("Let pages of this origin call the app, e.g. http://localhost:5173 (repeatable; "
                       "env QRADIO_ALLOWED_ORIGINS)."), QStringLiteral("origin"));
    const QCommandLineOption allowedHost(QStringLiteral("allowed-host"),
        QStringLiteral("Answer requests naming this host, e.g. a reverse proxy's public name (repeatable; "
                       "env QRADIO_ALLOWED_HOSTS)."), QStringLiteral("host"));
    const QCommandLineOption auth(QStringLiteral("auth"),
        QStringLiteral("Require a login; accept this user (repeatable). The password shows in the process "
                       "list: prefer --auth-file."), QStringLiteral("user:password"));
    const QCommandLineOption authFile(QStringLiteral("auth-file"),
        QStringLiteral("Require a login; accept the users of this file (user:password lines, # comments)."),
        QStringLiteral("path"));
    const QCommandLineOption authMessage(QStringLiteral("auth-message"),
        QStringLiteral("Text shown on the login page."), QStringLiteral("text"));
    const QCommandLineOption maxFileSize(QStringLiteral("max-file-size"),
        QStringLiteral("Largest file an upload may carry, e.g. 10mb (env GRADIO_MAX_FILE_SIZE)."), QStringLiteral("size"));
    const QCommandLineOption allowedPath(QStringLiteral("allowed-path"),
        QStringLiteral("A file or folder /gradio_api/file= may serve (repeatable)."), QStringLiteral("path"));
    const QCommandLineOption blockedPath(QStringLiteral("blocked-path"),
        QStringLiteral("A file or folder never served, even inside an allowed one (repeatable)."), QStringLiteral("path"));
    const QCommandLineOption fileUrlNetwork(QStringLiteral("file-url-network"),
        QStringLiteral("A network (10.0.0.0/8) or address besides the public internet that file arguments given by "
                       "URL may be downloaded from (repeatable)."), QStringLiteral("cidr"));
    const QCommandLineOption deleteCache(QStringLiteral("delete-cache"),
        QStringLiteral("Every <every> seconds delete uploads and results older than <age> seconds, and all of "
                       "them at exit (Gradio's delete_cache)."), QStringLiteral("every,age"));
    const QCommandLineOption sslCertFile(QStringLiteral("ssl-certfile"),
        QStringLiteral("Serve HTTPS with this certificate (PEM; intermediates may follow it)."), QStringLiteral("path"));
    const QCommandLineOption sslKeyFile(QStringLiteral("ssl-keyfile"),
        QStringLiteral("The private key of --ssl-certfile (PEM)."), QStringLiteral("path"));
    const QCommandLineOption sslKeyPassword(QStringLiteral("ssl-keyfile-password"),
        QStringLiteral("Password of an encrypted --ssl-keyfile. It shows in the process list: prefer the "
                       "environment variable QRADIO_SSL_KEYFILE_PASSWORD."), QStringLiteral("password"));
    const QCommandLineOption devUrl(QStringLiteral("dev-url"),
        QStringLiteral("Dev mode: the window loads this page of a dev server (e.g. Vite's http://localhost:5173, with "
                       "its hot reload) instead of the app's own; the API stays on the app's port and lets that "
                       "origin call it. Headless: only lets it call. Env QRADIO_DEV_URL."), QStringLiteral("url"));
    const QCommandLineOption drainTimeout(QStringLiteral("drain-timeout"),
        QStringLiteral("On SIGTERM or Ctrl+C, let accepted calls finish for up to this many seconds before "
                       "stopping (default 30; env QRADIO_DRAIN_TIMEOUT). A second signal stops at once."),
        QStringLiteral("seconds"));
    const QCommandLineOption publicHealth(QStringLiteral("public-health"),
        QStringLiteral("Answer /gradio_api/health and /gradio_api/ready without the access token "
                       "(env QRADIO_PUBLIC_HEALTH=1)."));
    for (const QCommandLineOption &o : {host, port, headless, mcp, noMcp, mcpStdio, devTools, token, publicAccess, allowOrigin, allowedHost,
                                        auth, authFile, authMessage, maxFileSize, allowedPath, blockedPath, fileUrlNetwork, deleteCache,
                                        sslCertFile, sslKeyFile, sslKeyPassword, devUrl, drainTimeout, publicHealth})
        parser.addOption(o);
    for (const QCommandLineOption &o : observeOptions())
        parser.addOption(o);

    ParseResult result;
    if (!parser.parse(args)) {
        result.action = ParseResult::Exit;
        result.exitCode = 1;
        result.output = parser.errorText() + QStringLiteral("\nTry '--help' for the options.\n");
        return result;
    }
    if (parser.isSet(help) || parser.isSet(version)) {
        result.action = ParseResult::Exit;
        result.output = parser.isSet(help)
            ? parser.helpText()
            : QCoreApplication::applicationName() + QLatin1Char(' ') + QCoreApplication::applicationVersion() + QLatin1Char('\n');
        return result;
    }

    LaunchConfig &c = result.config;
    c.host = parser.isSet(host) ? parser.value(host)
           : !qEnvironmentVariableIsEmpty("GRADIO_SERVER_NAME") ? qEnvironmentVariable("GRADIO_SERVER_NAME")
           : options.host;
    QString portText;
    if (parser.isSet(port))
        portText = parser.value(port);
    else if (!qEnvironmentVariableIsEmpty("GRADIO_SERVER_PORT"))
        portText = qEnvironmentVariable("GRADIO_SERVER_PORT");
    if (portText.isEmpty()) {
        c.port = options.port;
    } else if (const auto p = parsePort(portText)) {
        c.port = *p;
        c.explicitPort = true;
    } else {
        result.action = ParseResult::Exit;
        result.exitCode = 1;
        result.output = QStringLiteral("Invalid port '%1': expected a number from 0 to 65535.\n").arg(portText);
        return result;
    }
    if (parser.isSet(mcp) && parser.isSet(noMcp)) {
        result.action = ParseResult::Exit;
        result.exitCode = 1;
        result.output = QStringLiteral("--mcp and --no-mcp cannot be used together.\n");
        return result;
    }
    if (parser.isSet(mcp))
        c.mcp = true;
    else if (parser.isSet(noMcp))
        c.mcp = false;
    else
        c.mcp = envFlag("GRADIO_MCP_SERVER");
    c.mcpStdio = parser.isSet(mcpStdio);
    c.headless = parser.isSet(headless) || c.mcpStdio;
    c.devTools = parser.isSet(devTools);
    if (const auto error = readObserveOptions(parser, &c.observe)) {
        result.action = ParseResult::Exit;
        result.exitCode = 1;
        result.output = *error + QLatin1Char('\n');
        return result;
    }
    if (parser.isSet(token)) {
        if (parser.value(token).isEmpty()) {
            result.action = ParseResult::Exit;
            result.exitCode = 1;
            result.output = QStringLiteral("--token needs a value.\n");
            return result;
        }
        c.token = parser.value(token);
    }
    c.allowWithoutToken = parser.isSet(publicAccess) || envFlag("QRADIO_PUBLIC").value_or(false);
    c.allowedOrigins = parser.values(allowOrigin);
    c.allowedHosts = parser.values(allowedHost);
    const auto fail = [&result](const QString &message) {
        result.action = ParseResult::Exit;
        result.exitCode = 1;
        result.output = message + QLatin1Char('\n');
        return result;
    };
    for (const QString &value : parser.values(auth)) {
        const auto pair = authPair(value);
        if (!pair)
            return fail(QStringLiteral("--auth expects user:password, e.g. --auth alice:s3cret."));
        c.auth.append(*pair);
    }
    for (const QString &path : parser.values(authFile)) {
        QString error, warning;
        const auto pairs = readAuthFile(path, &error, &warning);
        if (!pairs)
            return fail(error);
        if (!warning.isEmpty())
            result.warnings.append(warning);
        c.auth += *pairs;
    }
    if (parser.isSet(authMessage))
        c.authMessage = parser.value(authMessage);
    const QString size = parser.isSet(maxFileSize) ? parser.value(maxFileSize) : qEnvironmentVariable("GRADIO_MAX_FILE_SIZE");
    if (!size.isEmpty()) {
        c.maxFileSize = parseFileSize(size);
        if (!c.maxFileSize)
            return fail(QStringLiteral("Invalid file size '%1': expected bytes or a number with kb, mb, gb or tb, e.g. 10mb.").arg(size));
    }
    c.allowedPaths = parser.values(allowedPath);
    c.blockedPaths = parser.values(blockedPath);
    c.fileUrlNetworks = parser.values(fileUrlNetwork);
    if (parser.isSet(deleteCache)) {
        const QStringList parts = parser.value(deleteCache).split(QLatin1Char(','));
        bool everyOk = false, ageOk = false;
        const qint64 every = parts.value(0).trimmed().toLongLong(&everyOk);
        const qint64 age = parts.value(1).trimmed().toLongLong(&ageOk);
        if (parts.size() != 2 || !everyOk || !ageOk || every <= 0 || age < 0)
            return fail(QStringLiteral("--delete-cache expects every,age in seconds, e.g. --delete-cache 3600,86400."));
        c.deleteCache = qMakePair(every, age);
    }
    c.sslCertFile = parser.value(sslCertFile);
    c.sslKeyFile = parser.value(sslKeyFile);
    if (parser.isSet(sslKeyPassword))
        c.sslKeyPassword = parser.value(sslKeyPassword);
    else if (qEnvironmentVariableIsSet("QRADIO_SSL_KEYFILE_PASSWORD"))
        c.sslKeyPassword = qEnvironmentVariable("QRADIO_SSL_KEYFILE_PASSWORD");
    const QString dev = parser.isSet(devUrl) ? parser.value(devUrl) : qEnvironmentVariable("QRADIO_DEV_URL");
    if (!dev.trimmed().isEmpty()) {
        const QUrl url(dev.trimmed(), QUrl::StrictMode);
        const QString scheme = url.scheme().toLower();
        if (!url.isValid() || (scheme != QLatin1String("http") && scheme != QLatin1String("https")) || url.host().isEmpty())
            return fail(QStringLiteral("Invalid %1 '%2': expected an http:// or https:// URL with a host, e.g. "
                                       "http://localhost:5173.")
                            .arg(parser.isSet(devUrl) ? QStringLiteral("--dev-url") : QStringLiteral("QRADIO_DEV_URL"), dev));
        c.devUrl = url;
    }
    const bool drainOption = parser.isSet(drainTimeout);
    const QString drain = drainOption ? parser.value(drainTimeout) : qEnvironmentVariable("QRADIO_DRAIN_TIMEOUT");
    if (drainOption || !drain.trimmed().isEmpty()) {
        c.drainTimeout = parseDrainTimeout(drain);
        if (!c.drainTimeout)
            return fail(QStringLiteral("Invalid %1 '%2': expected seconds from 0 to 86400, e.g. 30.")
                            .arg(drainOption ? QStringLiteral("--drain-timeout") : QStringLiteral("QRADIO_DRAIN_TIMEOUT"), drain));
    }
    c.publicHealth = parser.isSet(publicHealth);
    return result;
}

std::optional<std::chrono::milliseconds> parseDrainTimeout(const QString &text)
{
    bool ok = false;
    const double seconds = text.trimmed().toDouble(&ok);
    if (!ok || !(seconds >= 0) || seconds > 86400)
        return std::nullopt;
    return std::chrono::milliseconds(qint64(seconds * 1000));
}

QString originOf(const QUrl &url)
{
    return url.adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment | QUrl::RemoveUserInfo)
        .toString(QUrl::FullyEncoded);
}

std::optional<qint64> parseFileSize(const QString &text)
{
    static const QList<QPair<QString, qint64>> units{{QStringLiteral("tb"), 1LL << 40}, {QStringLiteral("gb"), 1LL << 30},
                                                     {QStringLiteral("mb"), 1LL << 20}, {QStringLiteral("kb"), 1LL << 10},
                                                     {QStringLiteral("b"), 1}};
    QString t = text.trimmed().toLower();
    qint64 scale = 1;
    for (const auto &[suffix, factor] : units) {
        if (t.endsWith(suffix)) {
            t.chop(suffix.size());
            scale = factor;
            break;
        }
    }
    bool ok = false;
    const double n = t.trimmed().toDouble(&ok);
    if (!ok || n < 0 || n * double(scale) > 9.0e18)
        return std::nullopt;
    return qint64(n * double(scale));
}

} // namespace qradio::detail
