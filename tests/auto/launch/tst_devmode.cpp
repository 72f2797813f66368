// SPDX-License-Identifier: MIT
// Dev mode: `--dev-url` (env QRADIO_DEV_URL) makes the window show a dev server's page, which
// calls the app's API across origins; without it that origin is refused. A tiny dev server
// (a QTcpServer here) serves the page and takes its report.

#include "childprocess.h"
#include "commandline.h"

#include <qradio/app.h>

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QUrlQuery>

#include <memory>

using namespace Qt::StringLiterals;
using namespace launchtest;

namespace {

//! Serves a page that fetches `<api>/gradio_api/info` and reports what it got to /report.
class DevServer : public QObject
{
public:
    explicit DevServer(quint16 apiPort) : m_apiPort(apiPort)
    {
        connect(&m_server, &QTcpServer::newConnection, this, &DevServer::accept);
        m_server.listen(QHostAddress::LocalHost, 0);
    }
    QUrl url() const { return QUrl(u"http://127.0.0.1:%1/"_s.arg(m_server.serverPort())); }
    const QStringList &reports() const { return m_reports; }

private:
    void accept()
    {
        while (QTcpSocket *socket = m_server.nextPendingConnection()) {
            connect(socket, &QTcpSocket::readyRead, this, [this, socket] { serve(socket); });
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        }
    }
    void serve(QTcpSocket *socket)
    {
        QByteArray &buffer = m_buffers[socket];
        buffer += socket->readAll();
        if (!buffer.contains("\r\n\r\n") || buffer.size() > 65536)
            return;
        const QList<QByteArray> requestLine = buffer.left(buffer.indexOf("\r\n")).split(' ');
        m_buffers.remove(socket);
        const QUrl target(QString::fromLatin1(requestLine.value(1)));
        QByteArray body, type = "text/html; charset=utf-8";
        if (target.path() == u"/report"_s) {
            m_reports << QUrlQuery(target).queryItemValue(u"result"_s, QUrl::FullyDecoded);
            type = "text/plain";
        } else if (target.path() == u"/"_s) {
            body = "<!doctype html><html><head><meta charset=utf-8><title>Dev page</title></head><body><script>\n"
                   "const api = 'http://127.0.0.1:" + QByteArray::number(m_apiPort) + "';\n"
                   "fetch(api + '/gradio_api/info')\n"
                   "  .then(r => r.ok ? r.json() : Promise.reject('HTTP ' + r.status))\n"
                   "  .then(info => 'endpoints: ' + Object.keys(info.named_endpoints).join(','), e => 'failed: ' + e)\n"
                   "  .then(result => fetch('/report?result=' + encodeURIComponent(result)));\n"
                   "</script></body></html>\n";
        }
        const QByteArray status = target.path() == u"/"_s || target.path() == u"/report"_s ? "200 OK" : "404 Not Found";
        socket->write("HTTP/1.1 " + status + "\r\nContent-Type: " + type + "\r\nContent-Length: "
                      + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
        socket->disconnectFromHost();
    }

    QTcpServer m_server;
    quint16 m_apiPort;
    QHash<QTcpSocket *, QByteArray> m_buffers;
    QStringList m_reports;
};

quint16 freePort()
{
    QTcpServer probe;
    return probe.listen(QHostAddress::LocalHost, 0) ? probe.serverPort() : 0;
}

//! GET `path` with an Origin header: the status and the Access-Control-Allow-Origin answered.
QPair<int, QByteArray> getWithOrigin(quint16 port, const QString &path, const QByteArray &origin)
{
    QNetworkAccessManager nam;
    QNetworkRequest request(QUrl(u"http://127.0.0.1:%1%2"_s.arg(port).arg(path)));
    request.setRawHeader("Origin", origin);
    std::unique_ptr<QNetworkReply> reply(nam.get(request));
    QSignalSpy done(reply.get(), &QNetworkReply::finished);
    if (!done.wait(kTimeout))
        return {0, {}};
    return {reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->rawHeader("Access-Control-Allow-Origin")};
}

} // namespace

class TestDevMode : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesDevUrl();
    void badDevUrlIsACommandLineError_data();
    void badDevUrlIsACommandLineError();
    void helpNamesTheOption();
    void headlessOnlyAllowsTheOrigin();
#ifndef QRADIO_NO_DESKTOP
    void windowShowsTheDevPageWhichCallsTheApi();
#endif
};

void TestDevMode::parsesDevUrl()
{
    qunsetenv("QRADIO_DEV_URL");
    auto r = qradio::detail::parseCommandLine({u"app"_s, u"--dev-url"_s, u"http://localhost:5173/app/"_s}, {}, u"App"_s);
    QCOMPARE(r.action, qradio::detail::ParseResult::Run);
    QCOMPARE(r.config.devUrl, QUrl(u"http://localhost:5173/app/"_s));
    QCOMPARE(qradio::detail::originOf(r.config.devUrl), u"http://localhost:5173"_s);

    qputenv("QRADIO_DEV_URL", "https://dev.localhost:8443");
    r = qradio::detail::parseCommandLine({u"app"_s}, {}, u"App"_s);
    QCOMPARE(r.config.devUrl, QUrl(u"https://dev.localhost:8443"_s));
    qunsetenv("QRADIO_DEV_URL");
    r = qradio::detail::parseCommandLine({u"app"_s}, {}, u"App"_s);
    QVERIFY(r.config.devUrl.isEmpty());
}

void TestDevMode::badDevUrlIsACommandLineError_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("env");
    QTest::addColumn<QString>("expected");
    QTest::newRow("ftp") << QStringList{u"--dev-url"_s, u"ftp://localhost:5173"_s} << QString()
                         << u"Invalid --dev-url 'ftp://localhost:5173'"_s;
    QTest::newRow("no scheme") << QStringList{u"--dev-url"_s, u"localhost:5173"_s} << QString()
                               << u"Invalid --dev-url 'localhost:5173'"_s;
    QTest::newRow("no host") << QStringList{u"--dev-url"_s, u"http://"_s} << QString() << u"Invalid --dev-url 'http://'"_s;
    QTest::newRow("env") << QStringList{} << u"not a url"_s << u"Invalid QRADIO_DEV_URL 'not a url'"_s;
}

void TestDevMode::badDevUrlIsACommandLineError()
{
    QFETCH(QStringList, args);
    QFETCH(QString, env);
    QFETCH(QString, expected);
    QProcessEnvironment e = headlessEnv();
    if (!env.isEmpty())
        e.insert(u"QRADIO_DEV_URL"_s, env);
    ChildProcess child(args + QStringList{u"--headless"_s, u"--port"_s, u"0"_s}, e);
    QCOMPARE(child.waitForExit(), 1);
    QVERIFY2(child.err().contains(expected), qPrintable(child.err()));
    QVERIFY2(child.err().contains(u"http:// or https:// URL with a host"_s), qPrintable(child.err()));
    QVERIFY(!child.out().contains(u"Running on local URL"_s));
}

void TestDevMode::helpNamesTheOption()
{
    ChildProcess child({u"--help"_s}, headlessEnv());
    QCOMPARE(child.waitForExit(), 0);
    QVERIFY2(child.out().contains(u"--dev-url <url>"_s), qPrintable(child.out()));
    QVERIFY2(child.out().contains(u"QRADIO_DEV_URL"_s), qPrintable(child.out()));
}

void TestDevMode::headlessOnlyAllowsTheOrigin()
{
    const QByteArray origin = "http://localhost:5173";
    {
        ChildProcess plain({u"--headless"_s, u"--port"_s, u"0"_s}, headlessEnv());
        const quint16 port = plain.waitForPort();
        QVERIFY2(port != 0, qPrintable(plain.err()));
        QCOMPARE(getWithOrigin(port, u"/gradio_api/info"_s, origin).first, 403);
    }
    ChildProcess dev({u"--headless"_s, u"--port"_s, u"0"_s, u"--dev-url"_s, QString::fromLatin1(origin) + u"/"_s},
                     headlessEnv());
    const quint16 port = dev.waitForPort();
    QVERIFY2(port != 0, qPrintable(dev.err()));
    QVERIFY2(dev.waitForLine(u"^Dev mode \\(headless, no window to load http://localhost:5173/\\): "
                             "http://localhost:5173 may call the API on http://127\\.0\\.0\\.1:%1$"_s.arg(port)).hasMatch(),
             qPrintable(dev.out()));
    const auto answer = getWithOrigin(port, u"/gradio_api/info"_s, origin);
    QCOMPARE(answer.first, 200);
    QCOMPARE(answer.second, origin);
    QCOMPARE(getWithOrigin(port, u"/gradio_api/info"_s, "http://localhost:5174").first, 403); // that origin only
    dev.signal(SIGTERM);
    QCOMPARE(dev.waitForExit(), 0);
}

#ifndef QRADIO_NO_DESKTOP
void TestDevMode::windowShowsTheDevPageWhichCallsTheApi()
{
    const quint16 apiPort = freePort();
    QVERIFY(apiPort != 0);
    DevServer devServer(apiPort);
    ChildProcess child({u"--port"_s, QString::number(apiPort), u"--dev-url"_s, devServer.url().toString()}, windowEnv());
    QVERIFY2(child.waitForPort() == apiPort, qPrintable(child.err()));
    QVERIFY2(child.waitForLine(u"^Dev mode: window loads %1; API on http://127\\.0\\.0\\.1:%2$"_s
                                   .arg(QRegularExpression::escape(devServer.url().toString()))
                                   .arg(apiPort)).hasMatch(),
             qPrintable(child.out()));
    // The page came from the dev server, and its cross-origin call got the API's answer.
    QTRY_VERIFY_WITH_TIMEOUT(!devServer.reports().isEmpty(), kTimeout);
    QCOMPARE(devServer.reports().first(), u"endpoints: /add"_s);
    child.signal(SIGTERM);
    QCOMPARE(child.waitForExit(), 0);
}
#endif

QTEST_GUILESS_MAIN(TestDevMode)
#include "tst_devmode.moc"
