// SPDX-License-Identifier: MIT
// qradio::launch() as users meet it: a child process with a command line, a port, signals, a
// window or none. Plus the pure parts of the launcher (command line, URLs).

#include "binding.h"
#include "commandline.h"

#include <qradio/app.h>

#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <csignal>
#include <memory>

using namespace Qt::StringLiterals;

namespace {

constexpr int kTimeout = 30000;

//! A running launch_fixture and what it printed.
class Child
{
public:
    Child(const QStringList &args, const QProcessEnvironment &env)
    {
        m_process.setProcessEnvironment(env);
        m_process.start(QStringLiteral(LAUNCH_FIXTURE), args);
    }
    ~Child()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }

    //! Waits until stdout has a line matching `pattern`; returns its match.
    QRegularExpressionMatch waitForLine(const QString &pattern, bool fromStderr = false)
    {
        const QRegularExpression re(pattern, QRegularExpression::MultilineOption);
        QRegularExpressionMatch match;
        [[maybe_unused]] const bool seen = QTest::qWaitFor([&] {
            collect();
            match = re.match(fromStderr ? m_err : m_out);
            return match.hasMatch() || m_process.state() == QProcess::NotRunning;
        }, kTimeout);
        collect();
        return re.match(fromStderr ? m_err : m_out);
    }
    quint16 waitForPort()
    {
        const auto m = waitForLine(uR"(^Running on local URL: http://127\.0\.0\.1:(\d+)$)"_s);
        return m.hasMatch() ? quint16(m.captured(1).toUInt()) : 0;
    }
    void signal(int sig) { ::kill(pid_t(m_process.processId()), sig); }
    void write(const QByteArray &data) { m_process.write(data); }
    void closeInput() { m_process.closeWriteChannel(); }
    //! Exit code once it ended by itself, or -1.
    int waitForExit()
    {
        if (!m_process.waitForFinished(kTimeout) || m_process.exitStatus() != QProcess::NormalExit)
            return -1;
        collect();
        return m_process.exitCode();
    }
    QString maps() const
    {
        QFile f(u"/proc/%1/maps"_s.arg(m_process.processId()));
        return f.open(QIODevice::ReadOnly) ? QString::fromLatin1(f.readAll()) : QString();
    }
    const QString &out() { collect(); return m_out; }
    const QString &err() { collect(); return m_err; }

private:
    void collect()
    {
        m_out += QString::fromLocal8Bit(m_process.readAllStandardOutput());
        m_err += QString::fromLocal8Bit(m_process.readAllStandardError());
    }
    QProcess m_process;
    QString m_out;
    QString m_err;
};

QProcessEnvironment headlessEnv()
{
    // Remembered window geometry and the like go to a scratch home, not the user's.
    static QTemporaryDir home;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char *var : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "GRADIO_SERVER_PORT",
                            "GRADIO_SERVER_NAME", "GRADIO_MCP_SERVER"})
        env.remove(QString::fromLatin1(var));
    for (const char *var : {"XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"})
        env.insert(QString::fromLatin1(var), home.filePath(QString::fromLatin1(var)));
    return env;
}

QProcessEnvironment windowEnv()
{
    QProcessEnvironment env = headlessEnv();
    env.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
    env.insert(u"QTWEBENGINE_DISABLE_SANDBOX"_s, u"1"_s);
    env.insert(u"QRADIO_BENCH"_s, u"1"_s);
    return env;
}

bool portIsFree(quint16 port)
{
    QTcpServer probe;
    return probe.listen(QHostAddress::LocalHost, port);
}

QByteArray httpGet(quint16 port, const QString &path)
{
    QNetworkAccessManager nam;
    std::unique_ptr<QNetworkReply> reply(nam.get(QNetworkRequest(QUrl(u"http://127.0.0.1:%1%2"_s.arg(port).arg(path)))));
    QSignalSpy done(reply.get(), &QNetworkReply::finished);
    if (!done.wait(kTimeout) || reply->error() != QNetworkReply::NoError)
        return {};
    return reply->readAll();
}

//! Processes whose environment carries `marker` (the child and anything it started).
[[maybe_unused]] QStringList processesWithMarker(const QString &marker) // window tests only
{
    QStringList found;
    const QByteArray needle = marker.toLatin1();
    for (const QString &pid : QDir(u"/proc"_s).entryList(QDir::Dirs)) {
        if (!pid.front().isDigit())
            continue;
        QFile environ(u"/proc/"_s + pid + u"/environ"_s);
        if (environ.open(QIODevice::ReadOnly) && environ.readAll().contains(needle))
            found << pid;
    }
    return found;
}

} // namespace

class TestLaunch : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesDefaults();
    void parsesOptionsAndEnvironment();
    void rejectsBadArguments();
    void printsUrlsAsGiven();
    void parsesAuth();
    void rejectsBadAuth();
    void parsesFileOptions();
    void parsesDrainOptions();
    void headlessWithAuthFileNeedsALogin();

    void helpAndVersion();
    void headlessServesAndQuitsOnSignal_data();
    void headlessServesAndQuitsOnSignal();
    void noDisplayRunsHeadlessWithoutWebEngine();
    void busyDefaultPortMovesOn();
    void busyRequestedPortIsAnError_data();
    void busyRequestedPortIsAnError();
    void allInterfacesPrintsAsGiven();
    void publicAddressNeedsAToken();
    void publicServesWithoutAToken();
    void mcpFlags_data();
    void mcpFlags();
    void mcpStdio();
#ifndef QRADIO_NO_DESKTOP // a build without the window has no window to test
    void windowQuitsOnSigtermLeavingNothing();
    void closingTheWindowQuits();
    void windowIsLoggedIn();
    void secondInstanceHandsOver();
    void failedStartShowsErrorWindow();
#endif
};

void TestLaunch::parsesDefaults()
{
    qputenv("GRADIO_SERVER_PORT", "");
    qputenv("GRADIO_SERVER_NAME", "");
    qputenv("GRADIO_MCP_SERVER", "");
    const auto r = qradio::detail::parseCommandLine({u"app"_s}, {}, u"App"_s);
    QCOMPARE(r.action, qradio::detail::ParseResult::Run);
    QCOMPARE(r.config.host, u"127.0.0.1"_s);
    QCOMPARE(r.config.port, quint16(7860));
    QVERIFY(!r.config.explicitPort);
    QVERIFY(!r.config.headless);
    QVERIFY(!r.config.mcp.has_value());
}

void TestLaunch::parsesOptionsAndEnvironment()
{
    auto r = qradio::detail::parseCommandLine(
        {u"app"_s, u"--host"_s, u"0.0.0.0"_s, u"--port=0"_s, u"--mcp-stdio"_s, u"--devtools"_s, u"--no-mcp"_s,
         u"--webEngineArgs"_s, u"--whatever-chromium-takes"_s},
        {}, u"App"_s);
    QCOMPARE(r.action, qradio::detail::ParseResult::Run);
    QCOMPARE(r.config.host, u"0.0.0.0"_s);
    QCOMPARE(r.config.port, quint16(0));
    QVERIFY(r.config.explicitPort);
    QVERIFY(r.config.headless && r.config.mcpStdio && r.config.devTools);
    QCOMPARE(r.config.mcp, std::optional<bool>(false));

    qputenv("GRADIO_SERVER_PORT", "8123");
    qputenv("GRADIO_MCP_SERVER", "True");
    r = qradio::detail::parseCommandLine({u"app"_s}, {}, u"App"_s);
    qputenv("GRADIO_SERVER_PORT", "");
    qputenv("GRADIO_MCP_SERVER", "");
    QCOMPARE(r.config.port, quint16(8123));
    QVERIFY(r.config.explicitPort);
    QCOMPARE(r.config.mcp, std::optional<bool>(true));

    qradio::LaunchOptions options;
    options.port = 9000;
    r = qradio::detail::parseCommandLine({u"app"_s}, options, u"App"_s);
    QCOMPARE(r.config.port, quint16(9000));
    QVERIFY(!r.config.explicitPort);

    char arg0[] = "app", headless[] = "--headless", engine[] = "--webEngineArgs", help[] = "--help";
    char *argvHeadless[] = {arg0, headless, nullptr};
    char *argvEngine[] = {arg0, engine, help, nullptr};
    QVERIFY(qradio::detail::preScan(2, argvHeadless).headless);
    QVERIFY(!qradio::detail::preScan(3, argvEngine).infoOnly);   // Chromium's arguments are not ours
}

void TestLaunch::rejectsBadArguments()
{
    for (const QStringList &args : {QStringList{u"app"_s, u"--port"_s, u"http"_s}, QStringList{u"app"_s, u"--port"_s, u"70000"_s},
                                    QStringList{u"app"_s, u"--bogus"_s}, QStringList{u"app"_s, u"--mcp"_s, u"--no-mcp"_s}}) {
        const auto r = qradio::detail::parseCommandLine(args, {}, u"App"_s);
        QCOMPARE(r.action, qradio::detail::ParseResult::Exit);
        QCOMPARE(r.exitCode, 1);
        QVERIFY(!r.output.isEmpty());
    }
}

void TestLaunch::parsesAuth()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"users"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("# who may log in\n\nalice:pw:with:colons\n  bob : spaced \r\n   # indented comment\n");
    file.close();
    QVERIFY(file.setPermissions(QFile::ReadOwner | QFile::WriteOwner));
    auto r = qradio::detail::parseCommandLine({u"app"_s, u"--auth"_s, u"carol:c"_s, u"--auth-file"_s, path,
                                               u"--auth-message"_s, u"Ask Dora"_s}, {}, u"App"_s);
    QCOMPARE(r.action, qradio::detail::ParseResult::Run);
    const QList<QPair<QString, QString>> expected{{u"carol"_s, u"c"_s}, {u"alice"_s, u"pw:with:colons"_s}, {u"bob"_s, u" spaced "_s}};
    QCOMPARE(r.config.auth, expected);
    QCOMPARE(r.config.authMessage, std::optional<QString>(u"Ask Dora"_s));
    QVERIFY(r.warnings.isEmpty());

    QVERIFY(file.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther));
    r = qradio::detail::parseCommandLine({u"app"_s, u"--auth-file"_s, path}, {}, u"App"_s);
    QCOMPARE(r.action, qradio::detail::ParseResult::Run);
    QCOMPARE(r.warnings.size(), 1);
    QVERIFY2(r.warnings.first().contains(u"readable by other users"_s), qPrintable(r.warnings.first()));
}

void TestLaunch::parsesDrainOptions()
{
    using namespace std::chrono_literals;
    using qradio::detail::parseCommandLine;
    qputenv("QRADIO_DRAIN_TIMEOUT", "");
    auto r = parseCommandLine({u"app"_s}, {}, u"App"_s);
    QCOMPARE(r.action, qradio::detail::ParseResult::Run);
    QVERIFY(!r.config.drainTimeout); // the server's default (30 s) stays
    QVERIFY(!r.config.publicHealth);
    r = parseCommandLine({u"app"_s, u"--drain-timeout"_s, u"5"_s, u"--public-health"_s}, {}, u"App"_s);
    QCOMPARE(r.action, qradio::detail::ParseResult::Run);
    QCOMPARE(r.config.drainTimeout, std::optional<std::chrono::milliseconds>(5000ms));
    QVERIFY(r.config.publicHealth);
    r = parseCommandLine({u"app"_s, u"--drain-timeout=0.25"_s}, {}, u"App"_s);
    QCOMPARE(r.config.drainTimeout, std::optional<std::chrono::milliseconds>(250ms));
    r = parseCommandLine({u"app"_s, u"--drain-timeout"_s, u"0"_s}, {}, u"App"_s);
    QCOMPARE(r.config.drainTimeout, std::optional<std::chrono::milliseconds>(0ms));
    qputenv("QRADIO_DRAIN_TIMEOUT", "12");
    r = parseCommandLine({u"app"_s}, {}, u"App"_s);
    QCOMPARE(r.config.drainTimeout, std::optional<std::chrono::milliseconds>(12000ms));
    r = parseCommandLine({u"app"_s, u"--drain-timeout"_s, u"3"_s}, {}, u"App"_s); // the option wins
    QCOMPARE(r.config.drainTimeout, std::optional<std::chrono::milliseconds>(3000ms));
    qputenv("QRADIO_DRAIN_TIMEOUT", "soon");
    r = parseCommandLine({u"app"_s}, {}, u"App"_s);
    QCOMPARE(r.action, qradio::detail::ParseResult::Exit);
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.output.contains(u"Invalid QRADIO_DRAIN_TIMEOUT 'soon'"_s), qPrintable(r.output));
    qputenv("QRADIO_DRAIN_TIMEOUT", "");
    for (const QString &bad : {u"abc"_s, u"-1"_s, u"1e9"_s, u"nan"_s, u""_s}) {
        r = parseCommandLine({u"app"_s, u"--drain-timeout"_s, bad}, {}, u"App"_s);
        QCOMPARE(r.action, qradio::detail::ParseResult::Exit);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.output.contains(u"--drain-timeout"_s), qPrintable(r.output));
    }
}

void TestLaunch::parsesFileOptions()
{
    using qradio::detail::parseFileSize;
    QCOMPARE(parseFileSize(u"1000"_s), std::optional<qint64>(1000));
    QCOMPARE(parseFileSize(u"10mb"_s), std::optional<qint64>(10LL << 20));
    QCOMPARE(parseFileSize(u"1.5 GB"_s), std::optional<qint64>(3LL << 29));
    QCOMPARE(parseFileSize(u"2kb"_s), std::optional<qint64>(2048));
    QCOMPARE(parseFileSize(u"12b"_s), std::optional<qint64>(12));
    QCOMPARE(parseFileSize(u"-1"_s), std::nullopt);
    QCOMPARE(parseFileSize(u"lots"_s), std::nullopt);
    auto r = qradio::detail::parseCommandLine({u"app"_s, u"--max-file-size"_s, u"5mb"_s, u"--allowed-path"_s, u"/srv/a"_s,
                                               u"--allowed-path"_s, u"/srv/b"_s, u"--blocked-path"_s, u"/srv/a/secret"_s,
                                               u"--delete-cache"_s, u"60,3600"_s, u"--file-url-network"_s, u"10.1.0.0/16"_s}, {}, u"App"_s);
    QCOMPARE(r.action, qradio::detail::ParseResult::Run);
    QCOMPARE(r.config.maxFileSize, std::optional<qint64>(5LL << 20));
    QCOMPARE(r.config.allowedPaths, (QStringList{u"/srv/a"_s, u"/srv/b"_s}));
    QCOMPARE(r.config.blockedPaths, (QStringList{u"/srv/a/secret"_s}));
    QCOMPARE(r.config.fileUrlNetworks, (QStringList{u"10.1.0.0/16"_s}));
    QCOMPARE(r.config.deleteCache, (std::optional<QPair<qint64, qint64>>(qMakePair(60, 3600))));
    for (const QStringList &bad : {QStringList{u"--max-file-size"_s, u"big"_s}, QStringList{u"--delete-cache"_s, u"60"_s},
                                   QStringList{u"--delete-cache"_s, u"0,5"_s}}) {
        r = qradio::detail::parseCommandLine(QStringList{u"app"_s} + bad, {}, u"App"_s);
        QCOMPARE(r.action, qradio::detail::ParseResult::Exit);
        QCOMPARE(r.exitCode, 1);
    }
}

void TestLaunch::rejectsBadAuth()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"users"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("alice:a\n# fine\nno colon here\n");
    file.close();
    const QList<QPair<QStringList, QString>> cases{
        {{u"--auth"_s, u"nocolon"_s}, u"--auth expects user:password"_s},
        {{u"--auth"_s, u":pw"_s}, u"--auth expects user:password"_s},
        {{u"--auth-file"_s, path}, u"line 3: expected user:password"_s},
        {{u"--auth-file"_s, dir.filePath(u"missing"_s)}, u"Cannot read the auth file"_s},
    };
    for (const auto &[args, message] : cases) {
        const auto r = qradio::detail::parseCommandLine(QStringList{u"app"_s} + args, {}, u"App"_s);
        QCOMPARE(r.action, qradio::detail::ParseResult::Exit);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.output.contains(message), qPrintable(r.output));
    }
}

void TestLaunch::headlessWithAuthFileNeedsALogin()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"users"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("alice:s3cret\n");
    file.close();
    QVERIFY(file.setPermissions(QFile::ReadOwner | QFile::WriteOwner));
    Child child({u"--headless"_s, u"--port"_s, u"0"_s, u"--auth-file"_s, path}, headlessEnv());
    const auto m = child.waitForLine(uR"(^Running on local URL: http://127\.0\.0\.1:(\d+)$)"_s);
    QVERIFY2(m.hasMatch(), qPrintable(child.out() + child.err()));
    const quint16 port = quint16(m.captured(1).toUInt());
    QVERIFY(httpGet(port, u"/gradio_api/info"_s).isEmpty()); // 401
    // Qt's own client: its cookie jar keeps what /login sets and sends it back.
    QNetworkAccessManager nam;
    const auto request = [&](const QString &route, const QByteArray &form = {}) {
        QNetworkRequest r(QUrl(u"http://127.0.0.1:%1%2"_s.arg(port).arg(route)));
        r.setHeader(QNetworkRequest::ContentTypeHeader, "application/x-www-form-urlencoded");
        std::unique_ptr<QNetworkReply> reply(form.isNull() ? nam.get(r) : nam.post(r, form));
        QSignalSpy done(reply.get(), &QNetworkReply::finished);
        [[maybe_unused]] const bool finished = done.wait(kTimeout);
        return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    };
    QCOMPARE(request(u"/login"_s, "username=alice&password=wrong"), 400);
    QCOMPARE(request(u"/login"_s, "username=alice&password=s3cret"), 200);
    QCOMPARE(request(u"/gradio_api/info"_s), 200);
    child.signal(SIGTERM);
    QCOMPARE(child.waitForExit(), 0);
}

void TestLaunch::printsUrlsAsGiven()
{
    using qradio::detail::localUrl;
    using qradio::detail::printableUrl;
    QCOMPARE(printableUrl(u"127.0.0.1"_s, 7860), u"http://127.0.0.1:7860"_s);
    QCOMPARE(printableUrl(u"0.0.0.0"_s, 7861), u"http://0.0.0.0:7861"_s);
    QCOMPARE(printableUrl(u"::"_s, 80), u"http://[::]:80"_s);
    QCOMPARE(localUrl(QHostAddress(u"0.0.0.0"_s), u"0.0.0.0"_s, 7860), QUrl(u"http://127.0.0.1:7860/"_s));
    QCOMPARE(localUrl(QHostAddress(u"::"_s), u"::"_s, 7860), QUrl(u"http://[::1]:7860/"_s));
    QCOMPARE(localUrl(QHostAddress::LocalHost, u"localhost"_s, 7860), QUrl(u"http://127.0.0.1:7860/"_s));
}

void TestLaunch::helpAndVersion()
{
    Child help({u"--help"_s}, windowEnv());
    QCOMPARE(help.waitForExit(), 0);
    for (const char *option : {"--host", "--port", "--headless", "--mcp", "--no-mcp", "--mcp-stdio", "--devtools", "--version",
                               "--auth", "--auth-file", "--auth-message"})
        QVERIFY2(help.out().contains(QLatin1String(option)), option);
    QVERIFY(!help.maps().contains(u"WebEngine"_s));

    Child version({u"--version"_s}, windowEnv());
    QCOMPARE(version.waitForExit(), 0);
    QVERIFY2(version.out().contains(u"9.8.7"_s), qPrintable(version.out()));
}

void TestLaunch::headlessServesAndQuitsOnSignal_data()
{
    QTest::addColumn<int>("signal");
    QTest::newRow("SIGTERM") << int(SIGTERM);
    QTest::newRow("SIGINT") << int(SIGINT);
    QTest::newRow("SIGHUP") << int(SIGHUP);
}

void TestLaunch::headlessServesAndQuitsOnSignal()
{
    QFETCH(int, signal);
    Child child({u"--headless"_s, u"--port"_s, u"0"_s}, windowEnv());
    const quint16 port = child.waitForPort();
    QVERIFY2(port != 0, qPrintable(child.err()));
    QVERIFY(httpGet(port, u"/"_s).contains("<h1>Fixture</h1>"));
    QVERIFY(!child.maps().contains(u"libQt6WebEngineCore"_s));
    QVERIFY(!child.err().contains(u"headless"_s));   // asked for: nothing to explain
    child.signal(signal);
    QCOMPARE(child.waitForExit(), 0);
    QVERIFY(portIsFree(port));
}

void TestLaunch::noDisplayRunsHeadlessWithoutWebEngine()
{
    Child child({u"--port"_s, u"0"_s}, headlessEnv());
    const quint16 port = child.waitForPort();
    QVERIFY2(port != 0, qPrintable(child.err()));
#ifdef QRADIO_NO_DESKTOP
    QVERIFY2(child.err().contains(u"Running headless: this build of Qradio has no desktop window"_s), qPrintable(child.err()));
#else
    QVERIFY2(child.err().contains(u"Running headless: no display"_s), qPrintable(child.err()));
#endif
    const QString maps = child.maps();
    QVERIFY(maps.contains(u"libQt6Core"_s));
    QVERIFY(!maps.contains(u"libQt6WebEngineCore"_s));
    QVERIFY(!maps.contains(u"qradio_desktop_frontend"_s));
    child.signal(SIGTERM);
    QCOMPARE(child.waitForExit(), 0);
}

void TestLaunch::busyDefaultPortMovesOn()
{
    QTcpServer blocker;
    QVERIFY(blocker.listen(QHostAddress::LocalHost, 0));
    QProcessEnvironment env = headlessEnv();
    env.insert(u"FIXTURE_DEFAULT_PORT"_s, QString::number(blocker.serverPort()));
    Child child({u"--headless"_s}, env);
    const quint16 port = child.waitForPort();
    QVERIFY2(port > blocker.serverPort() && port <= blocker.serverPort() + 100, qPrintable(child.out() + child.err()));
    QVERIFY(httpGet(port, u"/"_s).contains("Fixture"));
    child.signal(SIGTERM);
    QCOMPARE(child.waitForExit(), 0);
}

void TestLaunch::busyRequestedPortIsAnError_data()
{
    QTest::addColumn<bool>("byEnvironment");
    QTest::newRow("--port") << false;
    QTest::newRow("GRADIO_SERVER_PORT") << true;
}

void TestLaunch::busyRequestedPortIsAnError()
{
    QFETCH(bool, byEnvironment);
    QTcpServer blocker;
    QVERIFY(blocker.listen(QHostAddress::LocalHost, 0));
    const QString port = QString::number(blocker.serverPort());
    QProcessEnvironment env = headlessEnv();
    QStringList args{u"--headless"_s};
    if (byEnvironment)
        env.insert(u"GRADIO_SERVER_PORT"_s, port);
    else
        args << u"--port"_s << port;
    Child child(args, env);
    QCOMPARE(child.waitForExit(), 1);
    QVERIFY2(child.err().contains(u"Port %1 on 127.0.0.1 is already in use"_s.arg(port)), qPrintable(child.err()));
    QVERIFY(!child.out().contains(u"Running on"_s));
}

void TestLaunch::allInterfacesPrintsAsGiven()
{
    Child child({u"--headless"_s, u"--host"_s, u"0.0.0.0"_s, u"--port"_s, u"0"_s, u"--token"_s, u"t0ken"_s}, headlessEnv());
    const auto m = child.waitForLine(uR"(^Running on local URL: http://0\.0\.0\.0:(\d+)$)"_s);
    QVERIFY2(m.hasMatch(), qPrintable(child.out() + child.err()));
    const quint16 port = quint16(m.captured(1).toUInt());
    QVERIFY(child.waitForLine(uR"(^Access token required\. Open in a browser: http://0\.0\.0\.0:\d+/\?token=t0ken$)"_s).hasMatch());
    QVERIFY(httpGet(port, u"/?token=t0ken"_s).contains("Fixture"));
    child.signal(SIGTERM);
    QCOMPARE(child.waitForExit(), 0);
}

void TestLaunch::publicAddressNeedsAToken()
{
    Child child({u"--headless"_s, u"--host"_s, u"0.0.0.0"_s, u"--port"_s, u"0"_s}, headlessEnv());
    QCOMPARE(child.waitForExit(), 2);
    QVERIFY2(child.err().contains(u"without an access token"_s) && child.err().contains(u"--token"_s)
                 && child.err().contains(u"QRADIO_TOKEN"_s),
             qPrintable(child.err()));
    QVERIFY(!child.out().contains(u"Running on"_s));
    // The environment variable serves as well as the option.
    QProcessEnvironment env = headlessEnv();
    env.insert(u"QRADIO_TOKEN"_s, u"from-env"_s);
    Child withEnv({u"--headless"_s, u"--host"_s, u"0.0.0.0"_s, u"--port"_s, u"0"_s}, env);
    const auto m = withEnv.waitForLine(uR"(^Running on local URL: http://0\.0\.0\.0:(\d+)$)"_s);
    QVERIFY2(m.hasMatch(), qPrintable(withEnv.out() + withEnv.err()));
    QVERIFY(httpGet(quint16(m.captured(1).toUInt()), u"/"_s).isEmpty()); // 401 without the token
    QVERIFY(httpGet(quint16(m.captured(1).toUInt()), u"/?token=from-env"_s).contains("Fixture"));
    withEnv.signal(SIGTERM);
    QCOMPARE(withEnv.waitForExit(), 0);
}

void TestLaunch::publicServesWithoutAToken()
{
    // --public and QRADIO_PUBLIC=1: the operator says the app is for anyone; it says so on stderr.
    QProcessEnvironment env = headlessEnv();
    env.insert(u"QRADIO_PUBLIC"_s, u"1"_s);
    const QList<QPair<QStringList, QProcessEnvironment>> runs{{{u"--public"_s}, headlessEnv()}, {{}, env}};
    for (const auto &[extra, environment] : runs) {
        Child child(QStringList{u"--headless"_s, u"--host"_s, u"0.0.0.0"_s, u"--port"_s, u"0"_s} + extra, environment);
        const auto m = child.waitForLine(uR"(^Running on local URL: http://0\.0\.0\.0:(\d+)$)"_s);
        QVERIFY2(m.hasMatch(), qPrintable(child.out() + child.err()));
        QVERIFY(httpGet(quint16(m.captured(1).toUInt()), u"/"_s).contains("Fixture"));
        QVERIFY(!child.out().contains(u"Access token required"_s));
        child.signal(SIGTERM);
        QCOMPARE(child.waitForExit(), 0);
        QVERIFY2(child.err().contains(u"No access token (--public): anyone who can reach port"_s), qPrintable(child.err()));
    }
}

void TestLaunch::mcpFlags_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("env");
    QTest::addColumn<bool>("expected");
    QTest::newRow("default") << QStringList{} << QString() << false;
    QTest::newRow("--mcp") << QStringList{u"--mcp"_s} << QString() << true;
    QTest::newRow("env true") << QStringList{} << u"true"_s << true;
    QTest::newRow("--no-mcp beats env") << QStringList{u"--no-mcp"_s} << u"true"_s << false;
}

void TestLaunch::mcpFlags()
{
    QFETCH(QStringList, args);
    QFETCH(QString, env);
    QFETCH(bool, expected);
    QProcessEnvironment e = headlessEnv();
    if (!env.isEmpty())
        e.insert(u"GRADIO_MCP_SERVER"_s, env);
    Child child(QStringList{u"--headless"_s, u"--port"_s, u"0"_s} + args, e);
    const quint16 port = child.waitForPort();
    QVERIFY(port);
    const QJsonObject answer = QJsonDocument::fromJson(httpGet(port, u"/mcp-enabled"_s)).object();
    QCOMPARE(answer.value(u"mcp"_s).toBool(!expected), expected);
    child.signal(SIGTERM);
    QCOMPARE(child.waitForExit(), 0);
}

void TestLaunch::mcpStdio()
{
    {
        // As Claude Desktop starts it: no window, no port, MCP on stdin/stdout, quits at EOF.
        Child child({u"--mcp-stdio"_s}, windowEnv());
        QVERIFY2(child.waitForLine(u"^Speaking MCP over stdin/stdout; no HTTP port"_s, true).hasMatch(), qPrintable(child.err()));
        QVERIFY(!child.maps().contains(u"libQt6WebEngineCore"_s));
        child.write(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",)"
                    R"("capabilities":{},"clientInfo":{"name":"tst_launch","version":"1"}}})" "\n");
        const auto reply = child.waitForLine(u"^(\\{.*\"id\":1.*)$"_s);
        QVERIFY2(reply.hasMatch(), qPrintable(child.out() + child.err()));
        const QJsonObject message = QJsonDocument::fromJson(reply.captured(1).toUtf8()).object();
        QVERIFY2(message.contains(u"result"_s), qPrintable(reply.captured(1)));
        QVERIFY(!child.out().contains(u"Running on"_s));     // stdout carries the protocol only
        child.closeInput();
        QCOMPARE(child.waitForExit(), 0);
    }
    {
        // With a port asked for, it serves HTTP too and names its URL on stderr.
        Child child({u"--mcp-stdio"_s, u"--port"_s, u"0"_s}, windowEnv());
        const auto line = child.waitForLine(uR"(^Running on local URL: http://127\.0\.0\.1:(\d+)$)"_s, true);
        QVERIFY2(line.hasMatch(), qPrintable(child.err()));
        QVERIFY(httpGet(quint16(line.captured(1).toUInt()), u"/"_s).contains("Fixture"));
        QCOMPARE(child.out(), QString());
        child.signal(SIGTERM);
        QCOMPARE(child.waitForExit(), 0);
    }
    // LaunchOptions::mcpStdio replaces the built-in session.
    QProcessEnvironment env = windowEnv();
    env.insert(u"FIXTURE_STDIO_HOOK"_s, u"1"_s);
    Child hooked({u"--mcp-stdio"_s, u"--port"_s, u"0"_s}, env);
    QVERIFY(hooked.waitForLine(uR"(^stdio-hook-started port=[1-9]\d*$)"_s).hasMatch());
    QVERIFY(!hooked.out().contains(u"Running on"_s));
    hooked.signal(SIGTERM);
    QCOMPARE(hooked.waitForExit(), 0);
}

#ifndef QRADIO_NO_DESKTOP
void TestLaunch::windowQuitsOnSigtermLeavingNothing()
{
    const QString marker = u"QRADIO_TST_MARKER_"_s + QUuid::createUuid().toString(QUuid::Id128);
    QProcessEnvironment env = windowEnv();
    env.insert(marker, u"1"_s);
    Child child({u"--port"_s, u"0"_s}, env);
    const quint16 port = child.waitForPort();
    QVERIFY2(port != 0, qPrintable(child.err()));
    QVERIFY2(child.waitForLine(u"^qradio-bench: loadFinished ok=1"_s).hasMatch(), qPrintable(child.out() + child.err()));
    QVERIFY(child.maps().contains(u"libQt6WebEngineCore"_s));
    QVERIFY(processesWithMarker(marker).size() > 1);    // the app and its QtWebEngineProcess helpers
    QVERIFY(httpGet(port, u"/"_s).contains("Fixture")); // outside clients meanwhile
    child.signal(SIGTERM);
    QCOMPARE(child.waitForExit(), 0);
    QVERIFY(portIsFree(port));
    QTRY_COMPARE_WITH_TIMEOUT(processesWithMarker(marker), QStringList(), 10000);
}

void TestLaunch::closingTheWindowQuits()
{
    const QString marker = u"QRADIO_TST_MARKER_"_s + QUuid::createUuid().toString(QUuid::Id128);
    QProcessEnvironment env = windowEnv();
    env.insert(marker, u"1"_s);
    env.insert(u"FIXTURE_CLOSE_AFTER_LOAD"_s, u"1"_s);
    Child child({u"--port"_s, u"0"_s}, env);
    const quint16 port = child.waitForPort();
    QVERIFY2(port != 0, qPrintable(child.err()));
    QCOMPARE(child.waitForExit(), 0);
    QVERIFY2(child.out().contains(u"fixture: closing the window (load ok=1)"_s), qPrintable(child.out()));
    QVERIFY(portIsFree(port));
    QTRY_COMPARE_WITH_TIMEOUT(processesWithMarker(marker), QStringList(), 10000);
}

void TestLaunch::windowIsLoggedIn()
{
    // With password login the window is the app's own: it opens its page logged in as the first
    // user (a one-time ticket in its first address), where a browser would get the login page.
    QProcessEnvironment env = windowEnv();
    env.insert(u"FIXTURE_CLOSE_AFTER_LOAD"_s, u"1"_s);
    env.insert(u"FIXTURE_PAGE"_s, u"/who"_s);
    Child child({u"--port"_s, u"0"_s, u"--auth"_s, u"alice:s3cret"_s, u"--auth"_s, u"bob:b"_s}, env);
    const quint16 port = child.waitForPort();
    QVERIFY2(port != 0, qPrintable(child.err()));
    QCOMPARE(child.waitForExit(), 0);
    QVERIFY2(child.out().contains(u"fixture: page for alice"_s), qPrintable(child.out() + child.err()));
    QVERIFY2(child.out().contains(u"fixture: closing the window (load ok=1)"_s), qPrintable(child.out()));
}

void TestLaunch::secondInstanceHandsOver()
{
    QProcessEnvironment env = windowEnv();
    env.insert(u"FIXTURE_SINGLE_INSTANCE"_s, u"1"_s);
    env.insert(u"FIXTURE_APP_ID"_s, u"tst-launch-"_s + QUuid::createUuid().toString(QUuid::Id128));
    Child first({u"--port"_s, u"0"_s}, env);
    QVERIFY(first.waitForPort());
    QVERIFY(first.waitForLine(u"^qradio-bench: loadFinished ok=1"_s).hasMatch());

    Child second({u"--port"_s, u"0"_s}, env);
    QCOMPARE(second.waitForExit(), 0);
    QVERIFY2(second.err().contains(u"already running"_s), qPrintable(second.err()));
    QVERIFY(!second.out().contains(u"Running on"_s));

    first.signal(SIGTERM);
    QCOMPARE(first.waitForExit(), 0);
}

void TestLaunch::failedStartShowsErrorWindow()
{
    QTcpServer blocker;
    QVERIFY(blocker.listen(QHostAddress::LocalHost, 0));
    const QString port = QString::number(blocker.serverPort());
    QProcessEnvironment env = windowEnv();
    env.insert(u"FIXTURE_CLOSE_ON_ERROR"_s, u"1"_s);
    Child child({u"--port"_s, port}, env);
    QCOMPARE(child.waitForExit(), 1);
    QVERIFY2(child.err().contains(u"Port %1 on 127.0.0.1 is already in use"_s.arg(port)), qPrintable(child.err()));
    // The user who started it from a menu sees the reason in the window, not only on stderr.
    QVERIFY2(child.out().contains(u"fixture: closing the error window: Fixture could not start / Port %1"_s.arg(port)),
             qPrintable(child.out()));
}
#endif

QTEST_GUILESS_MAIN(TestLaunch)

#include "tst_launch.moc"
