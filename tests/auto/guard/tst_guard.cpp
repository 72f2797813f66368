// SPDX-License-Identifier: MIT
// One matrix for the guard every route passes: Host (DNS rebinding), Origin (CSRF), the access
// token and the JSON content type, for an app bound to loopback and one bound to every interface.
#include "security/guard.h"

#include <QHostInfo>
#include <QNetworkInterface>
#include <QtTest>

using qradio::security::Guard;

class tst_Guard : public QObject
{
    Q_OBJECT
private:
    static Guard::Settings loopback()
    {
        Guard::Settings s;
        s.bound = QHostAddress::LocalHost;
        s.port = 7860;
        s.allowedHosts = {QStringLiteral("app.internal")};
        s.allowedOrigins = {QStringLiteral("https://tools.example.org/"), QStringLiteral("http://localhost:5173")};
        s.rootPath = QStringLiteral("https://public.example.net/app");
        return s;
    }
    static qradio::Request request(const QByteArray &method, const QByteArray &host, const QByteArray &origin = {})
    {
        qradio::Request r;
        r.method = method;
        r.url = QUrl(QStringLiteral("http://") + QString::fromLatin1(host) + QStringLiteral("/gradio_api/info"));
        r.path = QStringLiteral("/gradio_api/info");
        r.peer = QHostAddress::LocalHost;
        if (!host.isNull())
            r.headers.append({QByteArray("Host"), host});
        if (!origin.isEmpty())
            r.headers.append({QByteArray("Origin"), origin});
        return r;
    }
    static int status(const Guard &g, const qradio::Request &r, int flags = 0)
    {
        const auto refusal = g.check(r, flags);
        return refusal ? refusal->status() : 0;
    }

private slots:
    void hostAndOrigin_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("host");
        QTest::addColumn<QByteArray>("origin");
        QTest::addColumn<int>("expected");
        const QByteArray get("GET"), post("POST");
        QTest::newRow("localhost") << get << QByteArray("localhost:7860") << QByteArray() << 0;
        QTest::newRow("loopback ip, own origin") << post << QByteArray("127.0.0.1:7860") << QByteArray("http://127.0.0.1:7860") << 0;
        QTest::newRow("ipv6 loopback") << post << QByteArray("[::1]:7860") << QByteArray("http://[::1]:7860") << 0;
        QTest::newRow("*.localhost") << get << QByteArray("app.localhost:7860") << QByteArray() << 0;
        QTest::newRow("no Host (HTTP/1.0)") << get << QByteArray() << QByteArray() << 0;
        QTest::newRow("rebound name") << get << QByteArray("evil.example.com") << QByteArray() << 403;
        QTest::newRow("rebinding pair: Host = Origin = foreign") << post << QByteArray("evil.example.com:7860")
                                                                  << QByteArray("http://evil.example.com:7860") << 403;
        QTest::newRow("lan address while bound to loopback") << get << QByteArray("192.168.1.5:7860") << QByteArray() << 403;
        QTest::newRow("allowed host") << get << QByteArray("app.internal:7860") << QByteArray() << 0;
        QTest::newRow("root_path host") << post << QByteArray("public.example.net") << QByteArray("https://public.example.net") << 0;
        QTest::newRow("garbage host") << get << QByteArray("a b/c") << QByteArray() << 403;
        QTest::newRow("userinfo in host") << get << QByteArray("evil@localhost") << QByteArray() << 403;
        QTest::newRow("foreign origin POST") << post << QByteArray("localhost:7860") << QByteArray("http://evil.example.com") << 403;
        QTest::newRow("foreign origin GET") << get << QByteArray("localhost:7860") << QByteArray("http://evil.example.com") << 403;
        QTest::newRow("null origin") << post << QByteArray("localhost:7860") << QByteArray("null") << 403;
        QTest::newRow("other local port") << post << QByteArray("localhost:7860") << QByteArray("http://localhost:3000") << 403;
        QTest::newRow("same host, other scheme port") << post << QByteArray("localhost:7860") << QByteArray("https://localhost:7860") << 0;
        QTest::newRow("allowed origin") << post << QByteArray("localhost:7860") << QByteArray("https://tools.example.org") << 0;
        QTest::newRow("allowed dev server") << post << QByteArray("127.0.0.1:7860") << QByteArray("http://localhost:5173") << 0;
        QTest::newRow("origin with a path is still its origin") << post << QByteArray("localhost:7860")
                                                                << QByteArray("https://tools.example.org/x") << 0;
        QTest::newRow("file origin") << post << QByteArray("localhost:7860") << QByteArray("file://") << 403;
    }
    void hostAndOrigin()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, host);
        QFETCH(QByteArray, origin);
        QFETCH(int, expected);
        const Guard g(loopback());
        QCOMPARE(status(g, request(method, host, origin)), expected);
        // CORS names an origin exactly when the guard lets it through.
        if (!origin.isEmpty())
            QCOMPARE(g.corsAllowed(request(method, host, origin)), expected == 0);
    }

    void boundWiderAcceptsTheMachinesNames()
    {
        Guard::Settings s = loopback();
        s.bound = QHostAddress::Any;
        const Guard g(s);
        QCOMPARE(status(g, request("GET", QHostInfo::localHostName().toLatin1() + ":7860")), 0);
        QCOMPARE(status(g, request("GET", "evil.example.com:7860")), 403);
        for (const QHostAddress &a : QNetworkInterface::allAddresses()) {
            if (a.protocol() != QAbstractSocket::IPv4Protocol)
                continue;
            QCOMPARE(status(g, request("GET", a.toString().toLatin1() + ":7860")), 0);
        }
        s.allowedHosts = {QStringLiteral("*")};
        QCOMPARE(status(Guard(s), request("GET", "anything.example.com")), 0);
    }

    void tokenIsRequiredUnlessPublic()
    {
        Guard::Settings s = loopback();
        s.token = QStringLiteral("s3cret-token");
        const Guard g(s);
        qradio::Request r = request("GET", "localhost:7860");
        QCOMPARE(status(g, r), 401);
        QCOMPARE(g.check(r, 0)->header("WWW-Authenticate"), QByteArray("Bearer"));
        QCOMPARE(status(g, r, qradio::http::Public), 0);
        r.headers.append({QByteArray("Authorization"), QByteArray("Bearer s3cret-token")});
        QCOMPARE(status(g, r), 0);
        r.headers.last().second = "Bearer s3cret-tokem";
        QCOMPARE(status(g, r), 401);
        r.headers.last().second = "Bearer s3cret-token-and-more";
        QCOMPARE(status(g, r), 401);
        r.headers.last() = {QByteArray("Cookie"), QByteArray("other=1; qradio-token-7860=s3cret-token")};
        QCOMPARE(status(g, r), 0);
        r.headers.last() = {QByteArray("Cookie"), QByteArray("qradio-token-7861=s3cret-token")}; // another app's port
        QCOMPARE(status(g, r), 401);
        // Host and Origin are checked before the token: a rebinding page learns nothing.
        qradio::Request foreign = request("GET", "evil.example.com");
        foreign.headers.append({QByteArray("Authorization"), QByteArray("Bearer s3cret-token")});
        QCOMPARE(status(g, foreign), 403);
    }

    void tokenInTheQueryLogsABrowserIn()
    {
        Guard::Settings s = loopback();
        s.token = QStringLiteral("s3cret token");
        const Guard g(s);
        qradio::Request r = request("GET", "localhost:7860");
        r.path = QStringLiteral("/");
        r.url = QUrl(QStringLiteral("http://localhost:7860/?a=1&token=s3cret%20token&b=2"));
        r.query = QUrlQuery(r.url);
        const auto login = g.check(r, 0);
        QVERIFY(login);
        QCOMPARE(login->status(), 303);
        QCOMPARE(login->header("Location"), QByteArray("/?a=1&b=2"));
        const QByteArray cookie = login->header("Set-Cookie");
        QVERIFY2(cookie.startsWith("qradio-token-7860=s3cret token;"), cookie.constData());
        QVERIFY(cookie.contains("HttpOnly"));
        QVERIFY(cookie.contains("SameSite=Strict"));
        r.url = QUrl(QStringLiteral("http://localhost:7860/?token=wrong"));
        r.query = QUrlQuery(r.url);
        QCOMPARE(status(g, r), 401);
    }

    void jsonRoutesTakeOnlyJson_data()
    {
        QTest::addColumn<QByteArray>("contentType");
        QTest::addColumn<int>("expected");
        QTest::newRow("json") << QByteArray("application/json") << 0;
        QTest::newRow("json; charset") << QByteArray("application/json; charset=utf-8") << 0;
        QTest::newRow("upper case") << QByteArray("Application/JSON") << 0;
        QTest::newRow("text/plain (simple request)") << QByteArray("text/plain") << 415;
        QTest::newRow("form (simple request)") << QByteArray("application/x-www-form-urlencoded") << 415;
        QTest::newRow("multipart (simple request)") << QByteArray("multipart/form-data; boundary=x") << 415;
        QTest::newRow("none") << QByteArray() << 415;
        QTest::newRow("json look-alike") << QByteArray("application/jsonx") << 415;
    }
    void jsonRoutesTakeOnlyJson()
    {
        QFETCH(QByteArray, contentType);
        QFETCH(int, expected);
        const Guard g(loopback());
        qradio::Request r = request("POST", "localhost:7860");
        if (!contentType.isEmpty())
            r.headers.append({QByteArray("Content-Type"), contentType});
        QCOMPARE(status(g, r, qradio::http::JsonBody), expected);
        QCOMPARE(status(g, r, 0), 0); // other routes read what they like
    }

    void constantTimeEquals()
    {
        using qradio::security::constantTimeEquals;
        QVERIFY(constantTimeEquals("abc", "abc"));
        QVERIFY(!constantTimeEquals("abc", "abd"));
        QVERIFY(!constantTimeEquals("abc", "ab"));
        QVERIFY(constantTimeEquals("", ""));
    }
};

QTEST_GUILESS_MAIN(tst_Guard)
#include "tst_guard.moc"
