// SPDX-License-Identifier: MIT
// Password login and outside login (Gradio's launch(auth=...), auth_dependency) on the wire:
// POST /login and its cookies, the failure delay, the routes Gradio protects and those it
// leaves open, logout, the session bound, the window's one-time ticket, and the user name as
// endpoints and routes see it. Raw sockets: what a client would hide is what is checked.
#include "security/login.h"

#include "rawhttp.h"

#include <qradio/context.h>
#include <qradio/server.h>

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace std::chrono_literals;

namespace {

RawResponse send(quint16 port, const QByteArray &method, const QByteArray &target, const QByteArray &body = {},
                 const QList<QByteArray> &headers = {})
{
    QByteArray request = method + ' ' + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n";
    for (const QByteArray &h : headers)
        request += h + "\r\n";
    if (!body.isNull() || method == "POST")
        request += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    return rawRequest(port, request + "\r\n" + body);
}

RawResponse formLogin(quint16 port, const QByteArray &fields, const QList<QByteArray> &headers = {})
{
    return send(port, "POST", "/login", fields, QList<QByteArray>{"Content-Type: application/x-www-form-urlencoded"} + headers);
}

QList<QByteArray> setCookies(const RawResponse &r)
{
    QList<QByteArray> out;
    for (const auto &[name, value] : r.headers)
        if (name.compare("set-cookie", Qt::CaseInsensitive) == 0)
            out.append(value);
    return out;
}

//! "Cookie: a=1; b=2" from a login's Set-Cookie headers.
QByteArray cookieHeader(const RawResponse &login)
{
    QByteArrayList pairs;
    for (const QByteArray &c : setCookies(login))
        pairs.append(c.split(';').first());
    return "Cookie: " + pairs.join("; ");
}

QJsonObject json(const RawResponse &r)
{
    return QJsonDocument::fromJson(r.body).object();
}

} // namespace

class tst_Login : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<qradio::Server> server;
    quint16 port = 0;

    static void addEndpoints(qradio::Server &s)
    {
        s.api("add", [](int a, int b) { return a + b; }).params({"a", "b"});
        s.api("whoami", [](qradio::Context &ctx) { return ctx.username(); });
        s.get(QStringLiteral("/health"), [] { return QJsonObject{{QStringLiteral("status"), QStringLiteral("ok")}}; });
        s.get(QStringLiteral("/private"), [](const qradio::Request &r) { return qradio::Response::text(r.username); })
            .requireLogin();
        s.get(QStringLiteral("/open-user"), [](const qradio::Request &r) { return qradio::Response::text(r.username); });
    }

private slots:
    void initTestCase()
    {
        qradio::ServerOptions options;
        options.auth = {{QStringLiteral("alice"), QStringLiteral("wonder land")}, {QStringLiteral("bob"), QStringLiteral("b:b")}};
        options.authMessage = QStringLiteral("Ask <Carol> for an account");
        options.loginFailureDelay = 200ms;
        options.networkThreads = 1; // so that a held-back failure visibly leaves the thread free
        server = std::make_unique<qradio::Server>(options);
        addEndpoints(*server);
        QVERIFY2(server->listen(QHostAddress::LocalHost, 0), qPrintable(server->errorString()));
        port = server->port();
    }
    void cleanupTestCase() { server.reset(); }

    void loginSetsBothCookies()
    {
        const RawResponse r = formLogin(port, "username=alice&password=wonder+land");
        QCOMPARE(r.status, 200);
        QCOMPARE(json(r), (QJsonObject{{QStringLiteral("success"), true}}));
        const QList<QByteArray> cookies = setCookies(r);
        QCOMPARE(cookies.size(), 2);
        const QByteArray secure = cookies[0], unsecure = cookies[1];
        QVERIFY2(secure.startsWith("access-token-") && !secure.startsWith("access-token-unsecure-"), secure);
        QVERIFY2(unsecure.startsWith("access-token-unsecure-"), unsecure);
        // The same random 16-byte token in both, URL-safe and without '=' padding.
        const QByteArray value = secure.split(';').first().split('=').last();
        QCOMPARE(value.size(), 22);
        QVERIFY(QRegularExpression(QStringLiteral("^[A-Za-z0-9_-]+$")).match(QString::fromLatin1(value)).hasMatch());
        QCOMPARE(unsecure.split(';').first().split('=').last(), value);
        // The cookie id after the prefix is the same one as well.
        QCOMPARE(secure.split('=').first().mid(13), unsecure.split('=').first().mid(22));
        for (const char *attribute : {"HttpOnly", "Path=/", "SameSite=None", "Secure"})
            QVERIFY2(secure.contains("; " + QByteArray(attribute)), secure);
        for (const char *attribute : {"HttpOnly", "Path=/", "SameSite=Lax"})
            QVERIFY2(unsecure.contains("; " + QByteArray(attribute)), unsecure);
        QVERIFY2(!unsecure.contains("Secure"), unsecure);
        QCOMPARE(r.header("cache-control"), QByteArray("no-store"));
    }

    void multipartAndStrippedName()
    {
        const QByteArray body = "--XyZ\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\n  bob \r\n"
                                "--XyZ\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\nb:b\r\n--XyZ--\r\n";
        const RawResponse r = send(port, "POST", "/login", body, {"Content-Type: multipart/form-data; boundary=XyZ"});
        QCOMPARE(r.status, 200);
        QCOMPARE(setCookies(r).size(), 2);
        QCOMPARE(send(port, "GET", "/open-user", {}, {cookieHeader(r)}).body, QByteArray("bob"));
    }

    void formShapesAreChecked()
    {
        // Not a JSON route (no 415), but only a form with both fields.
        QCOMPARE(send(port, "POST", "/login", R"({"username":"alice","password":"wonder land"})",
                      {"Content-Type: application/json"}).status, 422);
        QCOMPARE(formLogin(port, "username=alice").status, 422);
        QCOMPARE(send(port, "POST", "/login", "--b\r\nbroken", {"Content-Type: multipart/form-data; boundary=b"}).status, 422);
        QCOMPARE(formLogin(port, "username=alice&password=" + QByteArray(70 * 1024, 'x')).status, 413);
        // The password is not stripped.
        QCOMPARE(formLogin(port, "username=alice&password=wonder+land+").status, 400);
    }

    void wrongPasswordIs400AfterADelay()
    {
        QElapsedTimer timer;
        timer.start();
        RawClient slow;
        QVERIFY(slow.connectTo(port));
        const QByteArray body = "username=alice&password=nope";
        slow.send("POST /login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                  "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
        const RawResponse r = slow.readResponse(10000);
        QCOMPARE(r.status, 400);
        QCOMPARE(json(r), (QJsonObject{{QStringLiteral("detail"), QStringLiteral("Incorrect credentials.")}}));
        QVERIFY(setCookies(r).isEmpty());
        // A lower bound only: a precise timer never fires early.
        QVERIFY2(timer.elapsed() >= 190, QByteArray::number(timer.elapsed()));
        QCOMPARE(formLogin(port, "username=nobody&password=x").status, 400);
    }

    void failureDelayLeavesTheThreadFree()
    {
        qradio::ServerOptions options;
        options.auth = {{QStringLiteral("u"), QStringLiteral("p")}};
        options.loginFailureDelay = 60s; // never reached: the client leaves first
        options.networkThreads = 1;
        qradio::Server s(options);
        addEndpoints(s);
        QVERIFY(s.listen(QHostAddress::LocalHost, 0));
        RawClient slow;
        QVERIFY(slow.connectTo(s.port()));
        const QByteArray body = "username=u&password=x";
        slow.send("POST /login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                  "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
        // The failure is held back on a timer, not by blocking: the one network thread answers
        // others meanwhile (a blocked thread would not answer within the client's 5 s).
        const RawResponse other = send(s.port(), "GET", "/health");
        QCOMPARE(other.status, 200);
        QVERIFY(!slow.socket.waitForReadyRead(100));
        QVERIFY(slow.buffer.isEmpty());
        // The client leaving takes its timer along; stopping the server does not wait for it.
        slow.socket.abort();
    }

    void delayGrowsPerPeer()
    {
        qradio::security::Login login({.users = {{QStringLiteral("u"), QStringLiteral("p")}}, .failureDelay = 100ms});
        const QString a = QStringLiteral("10.0.0.1"), b = QStringLiteral("10.0.0.2");
        QCOMPARE(login.recordFailure(a), 100ms);
        QCOMPARE(login.recordFailure(a), 200ms);
        QCOMPARE(login.recordFailure(a), 400ms);
        QCOMPARE(login.recordFailure(b), 100ms); // another address has its own count
        for (int i = 0; i < 20; ++i)
            login.recordFailure(a);
        QCOMPARE(login.recordFailure(a), 30000ms); // capped
        login.clearFailures(a);                    // a success forgives
        QCOMPARE(login.recordFailure(a), 100ms);
    }

    void protectedRoutes_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<bool>("answersWithSession"); // 200 with a session (not a stream)
        QTest::newRow("config") << QByteArray("GET") << QByteArray("/config") << QByteArray() << true;
        QTest::newRow("config/") << QByteArray("GET") << QByteArray("/config/") << QByteArray() << true;
        QTest::newRow("info") << QByteArray("GET") << QByteArray("/gradio_api/info") << QByteArray() << true;
        QTest::newRow("docs page") << QByteArray("GET") << QByteArray("/") << QByteArray() << true;
        QTest::newRow("queue/join") << QByteArray("POST") << QByteArray("/gradio_api/queue/join")
                                    << QByteArray(R"({"data":[1,2],"fn_index":0,"session_hash":"s1"})") << true;
        QTest::newRow("queue/data") << QByteArray("GET") << QByteArray("/gradio_api/queue/data?session_hash=s0") << QByteArray() << false;
        QTest::newRow("queue/status") << QByteArray("GET") << QByteArray("/gradio_api/queue/status") << QByteArray() << true;
        QTest::newRow("call") << QByteArray("POST") << QByteArray("/gradio_api/call/add") << QByteArray(R"({"data":[1,2]})") << true;
        QTest::newRow("call/v2") << QByteArray("POST") << QByteArray("/gradio_api/call/v2/add") << QByteArray(R"({"a":1,"b":2})") << true;
        QTest::newRow("call stream") << QByteArray("GET") << QByteArray("/gradio_api/call/add/abc") << QByteArray() << false;
        QTest::newRow("run") << QByteArray("POST") << QByteArray("/gradio_api/run/add") << QByteArray(R"({"data":[1,2]})") << true;
        QTest::newRow("api alias") << QByteArray("POST") << QByteArray("/gradio_api/api/add") << QByteArray(R"({"data":[1,2]})") << true;
        QTest::newRow("user route marked") << QByteArray("GET") << QByteArray("/private") << QByteArray() << true;
        // Refused at the front before a byte of the body goes to disk.
        QTest::newRow("upload") << QByteArray("POST") << QByteArray("/gradio_api/upload") << QByteArray("{}") << false;
        QTest::newRow("upload_progress") << QByteArray("GET") << QByteArray("/gradio_api/upload_progress?upload_id=x") << QByteArray() << false;
        QTest::newRow("file=") << QByteArray("GET") << QByteArray("/gradio_api/file=/tmp/x") << QByteArray() << false;
        QTest::newRow("file/") << QByteArray("GET") << QByteArray("/gradio_api/file/tmp/x") << QByteArray() << false;
    }
    void protectedRoutes()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, path);
        QFETCH(QByteArray, body);
        QFETCH(bool, answersWithSession);
        const auto headers = [&method](const QByteArray &extra = {}) {
            QList<QByteArray> list;
            if (method == "POST")
                list.append("Content-Type: application/json");
            if (!extra.isEmpty())
                list.append(extra);
            return list;
        };
        const RawResponse denied = send(port, method, path, body, headers());
        QCOMPARE(denied.status, 401);
        const QJsonObject detail{{QStringLiteral("error"), QStringLiteral("Not authenticated")},
                                 {QStringLiteral("auth_message"), QStringLiteral("Ask <Carol> for an account")}};
        QCOMPARE(json(denied), (QJsonObject{{QStringLiteral("detail"), detail}}));
        // A forged or forgotten session is no session.
        QCOMPARE(send(port, method, path, body, headers("Cookie: access-token-x=AAAAAAAAAAAAAAAAAAAAAA")).status, 401);
        if (!answersWithSession)
            return;
        const QByteArray cookie = cookieHeader(formLogin(port, "username=alice&password=wonder+land"));
        const RawResponse allowed = send(port, method, path, body, headers(cookie));
        QVERIFY2(allowed.status == 200, allowed.statusLine + ' ' + allowed.body);
    }

    void unprotectedRoutesStayOpen_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("app_id") << QByteArray("GET") << QByteArray("/gradio_api/app_id") << QByteArray();
        QTest::newRow("startup-events") << QByteArray("GET") << QByteArray("/gradio_api/startup-events") << QByteArray();
        QTest::newRow("cancel") << QByteArray("POST") << QByteArray("/gradio_api/cancel")
                                << QByteArray(R"({"event_id":"x","session_hash":"y","fn_index":0})");
        QTest::newRow("reset") << QByteArray("POST") << QByteArray("/gradio_api/reset") << QByteArray(R"({"event_id":"x"})");
        QTest::newRow("user route") << QByteArray("GET") << QByteArray("/health") << QByteArray();
        QTest::newRow("user route, no user") << QByteArray("GET") << QByteArray("/open-user") << QByteArray();
    }
    void unprotectedRoutesStayOpen()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, path);
        QFETCH(QByteArray, body);
        const RawResponse r = send(port, method, path, body,
                                   method == "POST" ? QList<QByteArray>{"Content-Type: application/json"} : QList<QByteArray>());
        QVERIFY2(r.status == 200, r.statusLine + ' ' + r.body);
    }

    void browserGetsTheLoginPage()
    {
        for (const QByteArray path : {"/", "/private"}) {
            const RawResponse r = send(port, "GET", path, {}, {"Accept: text/html,application/xhtml+xml"});
            QCOMPARE(r.status, 200);
            QVERIFY(r.header("content-type").startsWith("text/html"));
            QVERIFY2(r.body.contains("action=\"./login\""), r.body);
            QVERIFY(r.body.contains("Ask &lt;Carol&gt; for an account")); // escaped
            QVERIFY(!r.body.contains("<Carol>"));
            QVERIFY(!r.body.contains("src=\"http") && !r.body.contains("href=\"http")); // self-contained
        }
        QVERIFY(send(port, "GET", "/a/b", {}, {"Accept: text/html"}).status == 404); // no route, no page
    }

    void loginIsAFormRouteUnderTheGuard()
    {
        QCOMPARE(send(port, "GET", "/login").status, 405);
        // A page elsewhere cannot post the form (CSRF): the guard's Origin rule.
        QCOMPARE(formLogin(port, "username=alice&password=wonder+land", {"Origin: http://evil.example"}).status, 403);
        QCOMPARE(formLogin(port, "username=alice&password=wonder+land", {"Origin: http://localhost"}).status, 200);
    }

    void usernameReachesEndpointsAndRoutes()
    {
        const QByteArray cookie = cookieHeader(formLogin(port, "username=alice&password=wonder+land"));
        const RawResponse r = send(port, "POST", "/gradio_api/run/whoami", R"({"data":[]})",
                                   {"Content-Type: application/json", cookie});
        QCOMPARE(r.status, 200);
        QCOMPARE(json(r).value(QStringLiteral("data")).toArray(), QJsonArray{QStringLiteral("alice")});
        QCOMPARE(send(port, "GET", "/private", {}, {cookie}).body, QByteArray("alice"));
    }

    void logoutClears()
    {
        const QByteArray first = cookieHeader(formLogin(port, "username=bob&password=b:b"));
        const QByteArray second = cookieHeader(formLogin(port, "username=bob&password=b:b"));
        const QByteArray other = cookieHeader(formLogin(port, "username=alice&password=wonder+land"));
        // all_session=false: only this session ends.
        RawResponse out = send(port, "GET", "/logout?all_session=false", {}, {first});
        QCOMPARE(out.status, 302);
        QCOMPARE(out.header("location"), QByteArray("/"));
        const QList<QByteArray> cleared = setCookies(out);
        QCOMPARE(cleared.size(), 2);
        for (const QByteArray &c : cleared)
            QVERIFY2(c.contains("=;") && c.contains("Max-Age=0") && c.contains("Path=/"), c);
        QCOMPARE(send(port, "GET", "/config", {}, {first}).status, 401);
        QCOMPARE(send(port, "GET", "/config", {}, {second}).status, 200);
        // The default ends every session of the user, and no one else's.
        out = send(port, "GET", "/logout", {}, {second});
        QCOMPARE(out.status, 302);
        QCOMPARE(send(port, "GET", "/config", {}, {second}).status, 401);
        QCOMPARE(send(port, "GET", "/config", {}, {other}).status, 200);
        // Without a session: still the redirect that clears the cookies.
        QCOMPARE(send(port, "GET", "/logout").status, 302);
    }

    void windowTicketLogsInOnce()
    {
        const QString ticket = server->issueLoginTicket(QStringLiteral("alice"));
        QVERIFY(!ticket.isEmpty());
        const QByteArray target = "/private?x=1&login_ticket=" + ticket.toLatin1();
        const RawResponse in = send(port, "GET", target);
        QCOMPARE(in.status, 303);
        QCOMPARE(in.header("location"), QByteArray("/private?x=1"));
        QCOMPARE(setCookies(in).size(), 2);
        QCOMPARE(send(port, "GET", "/private", {}, {cookieHeader(in)}).body, QByteArray("alice"));
        const RawResponse again = send(port, "GET", target);
        QCOMPARE(again.status, 303);
        QVERIFY(setCookies(again).isEmpty());
    }

    void sessionBoundEvictsOldest()
    {
        qradio::security::Login login({.users = {{QStringLiteral("u"), QStringLiteral("p")}}, .maxSessions = 2});
        QList<QByteArray> cookies;
        for (int i = 0; i < 3; ++i) {
            RawResponse r;
            const qradio::Response opened = login.openSession(QStringLiteral("u%1").arg(i));
            for (const auto &[name, value] : opened.headers())
                r.headers.append({name, value});
            cookies.append(cookieHeader(r).mid(8));
        }
        QCOMPARE(login.sessionCount(), 2);
        const auto userOf = [&](const QByteArray &cookie) {
            qradio::Request request;
            request.headers.append({"Cookie", cookie});
            return login.userOf(request);
        };
        QVERIFY(!userOf(cookies[0]));
        QCOMPARE(userOf(cookies[1]), QStringLiteral("u1"));
        QCOMPARE(userOf(cookies[2]), QStringLiteral("u2"));
    }

    void lifetimeSetsMaxAge()
    {
        qradio::security::Login login({.users = {{QStringLiteral("u"), QStringLiteral("p")}}, .lifetime = 3600s});
        const qradio::Response opened = login.openSession(QStringLiteral("u"));
        QVERIFY(opened.header("set-cookie").contains("; Max-Age=3600"));
    }

    void callbackAuth()
    {
        qradio::ServerOptions options;
        options.auth = {{QStringLiteral("listed"), QStringLiteral("pw")}};
        options.authCallback = [](const QString &user, const QString &password) {
            return user.startsWith(QLatin1String("cb-")) && password == user.mid(3);
        };
        options.loginFailureDelay = 0ms;
        qradio::Server s(options);
        addEndpoints(s);
        QVERIFY(s.listen(QHostAddress::LocalHost, 0));
        QCOMPARE(formLogin(s.port(), "username=cb-carol&password=carol").status, 200);
        QCOMPARE(formLogin(s.port(), "username=listed&password=pw").status, 200);
        QCOMPARE(formLogin(s.port(), "username=cb-carol&password=nope").status, 400);
    }

    void authDependency()
    {
        qradio::ServerOptions options;
        options.authDependency = [](const qradio::Request &r) -> std::optional<QString> {
            const QByteArray user = r.header("x-forwarded-user");
            return user.isEmpty() ? std::nullopt : std::optional<QString>(QString::fromUtf8(user));
        };
        qradio::Server s(options);
        addEndpoints(s);
        QVERIFY(s.listen(QHostAddress::LocalHost, 0));
        QCOMPARE(send(s.port(), "GET", "/config").status, 401);
        // No login page: the login happens elsewhere.
        QCOMPARE(send(s.port(), "GET", "/", {}, {"Accept: text/html"}).status, 401);
        QCOMPARE(send(s.port(), "GET", "/config", {}, {"X-Forwarded-User: dora"}).status, 200);
        const RawResponse r = send(s.port(), "POST", "/gradio_api/run/whoami", R"({"data":[]})",
                                   {"Content-Type: application/json", "X-Forwarded-User: dora"});
        QCOMPARE(json(r).value(QStringLiteral("data")).toArray(), QJsonArray{QStringLiteral("dora")});
        // POST /login without password auth: back to the root.
        const RawResponse login = formLogin(s.port(), "username=a&password=b");
        QCOMPARE(login.status, 302);
        QCOMPARE(login.header("location"), QByteArray("/"));
    }

    void noAuthLeavesEverythingOpen()
    {
        qradio::Server s;
        addEndpoints(s);
        QVERIFY(s.listen(QHostAddress::LocalHost, 0));
        QCOMPARE(send(s.port(), "GET", "/config").status, 200);
        QCOMPARE(send(s.port(), "GET", "/private").status, 200);
        QCOMPARE(formLogin(s.port(), "username=a&password=b").status, 302);
        QVERIFY(s.issueLoginTicket(QStringLiteral("a")).isEmpty());
    }

    void bothConfiguredIsAnError()
    {
        qradio::ServerOptions options;
        options.auth = {{QStringLiteral("u"), QStringLiteral("p")}};
        options.authDependency = [](const qradio::Request &) { return std::optional<QString>(); };
        qradio::Server s(options);
        QVERIFY(!s.listen(QHostAddress::LocalHost, 0));
        QVERIFY2(s.errorString().contains(QLatin1String("authDependency")), qPrintable(s.errorString()));
        QVERIFY(!s.isListening());
    }

    void tokenAndLoginAreIndependent()
    {
        qradio::ServerOptions options;
        options.token = QStringLiteral("t0k");
        options.auth = {{QStringLiteral("u"), QStringLiteral("p")}};
        qradio::Server s(options);
        addEndpoints(s);
        QVERIFY(s.listen(QHostAddress::LocalHost, 0));
        const QByteArray bearer = "Authorization: Bearer t0k";
        QCOMPARE(formLogin(s.port(), "username=u&password=p").status, 401); // the token first
        const QByteArray cookie = cookieHeader(formLogin(s.port(), "username=u&password=p", {bearer}));
        QCOMPARE(send(s.port(), "GET", "/config", {}, {bearer}).status, 401);
        QCOMPARE(send(s.port(), "GET", "/config", {}, {cookie}).status, 401);
        QCOMPARE(send(s.port(), "GET", "/config", {}, {bearer, cookie}).status, 200);
    }
};

QTEST_GUILESS_MAIN(tst_Login)
#include "tst_login.moc"
