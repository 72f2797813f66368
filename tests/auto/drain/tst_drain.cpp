// SPDX-License-Identifier: MIT
// Server::drain() seen by raw clients: new calls refused with Gradio's "Queue is stopped.",
// readiness off and liveness on, accepted calls (running and waiting, plain and streaming)
// delivered on their streams before drained(); the deadline cancelling what still runs; and
// who may read /gradio_api/health and /gradio_api/ready.
#include <qradio/context.h>
#include <qradio/server.h>

#include "rawhttp.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QtTest>

#include <atomic>
#include <memory>

using namespace std::chrono_literals;
using namespace Qt::StringLiterals;

class tst_Drain : public QObject
{
    Q_OBJECT
private:
    static QByteArray post(const QByteArray &path, const QByteArray &body)
    {
        return "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
            + QByteArray::number(body.size()) + "\r\n\r\n" + body;
    }
    static QByteArray get(const QByteArray &path, const QByteArray &extra = {})
    {
        return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n" + extra + "\r\n";
    }
    static RawResponse join(quint16 port, int fnIndex, const QJsonArray &data, const QString &session)
    {
        const QByteArray body = QJsonDocument(QJsonObject{{u"data"_s, data}, {u"fn_index"_s, fnIndex},
                                                          {u"session_hash"_s, session}})
                                    .toJson(QJsonDocument::Compact);
        return rawRequest(port, post("/gradio_api/queue/join", body));
    }
    static std::unique_ptr<RawClient> openStream(quint16 port, const QString &session)
    {
        auto c = std::make_unique<RawClient>();
        if (!c->connectTo(port))
            return nullptr;
        c->send(get("/gradio_api/queue/data?session_hash=" + session.toUtf8()));
        return c;
    }
    static QByteArray stoppedBody() { return QByteArrayLiteral("{\"detail\":\"Queue is stopped.\"}"); }

    //! Runs until `release` (or a cancellation); counts its starts.
    static void addSlowEndpoints(qradio::Server &server, std::shared_ptr<std::atomic<bool>> release,
                                 std::shared_ptr<std::atomic<int>> started)
    {
        server.api("slow", [release, started](qradio::Context &ctx, const QString &text) {
            ++*started;
            while (!*release && ctx.sleepFor(10ms)) {
            }
            return text + u"!"_s;
        }).params({"text"});
        server.api("count", [release, started](qradio::Context &ctx, qradio::Stream<int> &out, int n) {
            ++*started;
            out(0);
            while (!*release && ctx.sleepFor(10ms)) {
            }
            for (int i = 1; i <= n; ++i)
                out(i);
        }).params({"n"});
    }

private slots:
    void acceptedCallsFinishAndNewOnesAreRefused()
    {
        auto release = std::make_shared<std::atomic<bool>>(false);
        auto started = std::make_shared<std::atomic<int>>(0);
        qradio::Server server;
        addSlowEndpoints(server, release, started);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        const quint16 port = server.port();
        QSignalSpy drained(&server, &qradio::Server::drained);

        // Session a: one call running, one waiting behind it (slow's limit is 1); session b: a
        // generator running.
        QCOMPARE(join(port, 0, {u"a1"_s}, u"a"_s).status, 200);
        QCOMPARE(join(port, 0, {u"a2"_s}, u"a"_s).status, 200);
        QCOMPARE(join(port, 1, {3}, u"b"_s).status, 200);
        auto streamA = openStream(port, u"a"_s);
        QVERIFY(streamA);
        QTRY_COMPARE(started->load(), 2);
        QVERIFY(!streamA->readUntil("process_starts").isEmpty());

        QCOMPARE(rawRequest(port, get("/gradio_api/ready")).status, 200);
        server.drain();
        server.drain(); // twice is harmless
        QVERIFY(server.isDraining());

        // Refused from now on, each in its own form.
        const RawResponse refused = join(port, 0, {u"c"_s}, u"c"_s);
        QCOMPARE(refused.status, 503);
        QCOMPARE(refused.body, stoppedBody());
        const RawResponse call = rawRequest(port, post("/gradio_api/call/slow", "{\"data\":[\"x\"]}"));
        QCOMPARE(call.status, 503);
        QCOMPARE(call.body, stoppedBody());
        const RawResponse run = rawRequest(port, post("/gradio_api/run/slow", "{\"data\":[\"x\"]}"));
        QCOMPARE(run.status, 503);
        QCOMPARE(run.body, stoppedBody());
        // A session with calls pending here may add one: its stream is here, so must the call be.
        QCOMPARE(join(port, 0, {u"a3"_s}, u"a"_s).status, 200);

        // Probes: not ready, still alive.
        const RawResponse ready = rawRequest(port, get("/gradio_api/ready"));
        QCOMPARE(ready.status, 503);
        QCOMPARE(ready.body, QByteArray("{\"status\":\"draining\"}"));
        const RawResponse health = rawRequest(port, get("/gradio_api/health"));
        QCOMPARE(health.status, 200);
        QCOMPARE(health.body, QByteArray("{\"status\":\"ok\"}"));

        // Sessions this server does not know: 503, so that a proxy retries elsewhere.
        const RawResponse unknown = rawRequest(port, get("/gradio_api/queue/data?session_hash=nobody"));
        QCOMPARE(unknown.status, 503);
        QCOMPARE(unknown.body, stoppedBody());
        const RawResponse heartbeat = rawRequest(port, get("/gradio_api/heartbeat/nobody"));
        QCOMPARE(heartbeat.status, 503);
        QCOMPARE(heartbeat.body, stoppedBody());

        // A session that joined before may still open its stream.
        auto streamB = openStream(port, u"b"_s);
        QVERIFY(streamB);
        QVERIFY(streamB->readUntil("process_generating").contains("\"data\":[0]"));
        QCoreApplication::processEvents();
        QCOMPARE(drained.size(), 0); // calls still run

        *release = true;
        const QByteArray a = streamA->readUntil("close_stream", 10000);
        QCOMPARE(a.count("\"msg\":\"process_completed\""), 3);
        QVERIFY2(a.contains("\"data\":[\"a1!\"]") && a.contains("\"data\":[\"a2!\"]") && a.contains("\"data\":[\"a3!\"]"),
                 a.constData());
        QVERIFY2(!a.contains("unexpected_error"), a.constData());
        const QByteArray b = streamB->readUntil("close_stream", 10000);
        QVERIFY2(b.contains("\"msg\":\"process_completed\"") && b.contains("\"success\":true"), b.constData());
        QVERIFY2(b.contains("\"data\":[3]"), b.constData());
        QVERIFY(drained.wait(10000));
        QCOMPARE(started->load(), 4); // nothing refused ran
        QVERIFY(server.isDraining());
        // The port stays open until stop().
        QCOMPARE(rawRequest(port, get("/gradio_api/health")).status, 200);
        server.stop();
        QVERIFY(!server.isDraining());
        QCOMPARE(drained.size(), 1);
    }

    void unreadResultsDoNotHoldTheDrainForEver()
    {
        // A /call whose result nobody fetches: drained() still comes (after a short grace).
        auto release = std::make_shared<std::atomic<bool>>(true);
        auto started = std::make_shared<std::atomic<int>>(0);
        qradio::Server server({.drainTimeout = 20s});
        addSlowEndpoints(server, release, started);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        QSignalSpy drained(&server, &qradio::Server::drained);
        const RawResponse call = rawRequest(server.port(), post("/gradio_api/call/slow", "{\"data\":[\"x\"]}"));
        QCOMPARE(call.status, 200);
        QTRY_COMPARE(started->load(), 1);
        server.drain();
        QVERIFY(drained.wait(15000));
    }

    void anIdleServerDrainsAtOnce()
    {
        qradio::Server server;
        server.api("echo", [](const QString &text) { return text; }).params({"text"});
        QSignalSpy drained(&server, &qradio::Server::drained);
        server.drain(); // not listening: nothing happens
        QVERIFY(!server.isDraining());
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        server.drain();
        QVERIFY(drained.wait(5000));
        server.stop();
        // A server listening again is ready again.
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        QCOMPARE(rawRequest(server.port(), get("/gradio_api/ready")).status, 200);
    }

    void theDeadlineCancelsWhatStillRuns()
    {
        qradio::Server server({.drainTimeout = 300ms});
        auto started = std::make_shared<std::atomic<int>>(0);
        auto cancelled = std::make_shared<std::atomic<bool>>(false);
        server.api("stuck", [started, cancelled](qradio::Context &ctx, double seconds) {
            ++*started;
            if (!ctx.sleepFor(std::chrono::duration<double>(seconds)))
                *cancelled = true;
            return seconds;
        }).params({"seconds"});
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        QSignalSpy drained(&server, &qradio::Server::drained);
        QCOMPARE(join(server.port(), 0, {5.0}, u"s"_s).status, 200);
        auto stream = openStream(server.port(), u"s"_s);
        QVERIFY(stream);
        QVERIFY(!stream->readUntil("process_starts").isEmpty());
        QTRY_COMPARE(started->load(), 1);
        QElapsedTimer clock;
        clock.start();
        server.drain();
        QVERIFY(drained.wait(5000));
        const qint64 took = clock.elapsed();
        QVERIFY2(took >= 250 && took < 4000, QByteArray::number(took).constData());
        QVERIFY(cancelled->load());
        const QByteArray s = stream->readUntil("close_stream");
        QVERIFY2(s.contains("{\"msg\":\"unexpected_error\",\"event_id\":null,\"message\":\"Server stopped unexpectedly.\""),
                 s.constData());
        QVERIFY2(!s.contains("\"msg\":\"process_completed\""), s.constData());
    }

    void mcpToolCallsAreRefusedClearly()
    {
        qradio::Server server({.mcpServer = true});
        server.api("echo", [](const QString &text) { return text; }).params({"text"}).mcpTool();
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        const auto mcp = [&](const QByteArray &body, const QByteArray &session = {}) {
            return rawRequest(server.port(), "POST /gradio_api/mcp/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                                             "application/json\r\nAccept: application/json, text/event-stream\r\n"
                                                 + (session.isEmpty() ? QByteArray() : "Mcp-Session-Id: " + session + "\r\n")
                                                 + "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
        };
        const QByteArray session = mcp("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
                                       "\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
                                       "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}")
                                       .header("mcp-session-id");
        QVERIFY(!session.isEmpty());
        const QByteArray call = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
                                "\"arguments\":{\"text\":\"hi\"}}}";
        const RawResponse before = mcp(call, session);
        QVERIFY2(before.body.contains("hi"), before.body.constData());
        QSignalSpy drained(&server, &qradio::Server::drained);
        server.drain();
        const RawResponse refused = mcp(call, session);
        QCOMPARE(refused.status, 200); // JSON-RPC answers in its own terms
        QVERIFY2(refused.body.contains("Queue is stopped."), refused.body.constData());
        QVERIFY(drained.wait(5000));
    }

    void probesFollowTheTokenUnlessPublic()
    {
        for (const bool open : {false, true}) {
            qradio::Server server({.token = u"secret"_s, .publicHealth = open});
            QVERIFY(server.listen(QHostAddress::LocalHost, 0));
            const quint16 port = server.port();
            for (const QByteArray &path : {QByteArray("/gradio_api/health"), QByteArray("/gradio_api/ready")}) {
                QCOMPARE(rawRequest(port, get(path)).status, open ? 200 : 401);
                QCOMPARE(rawRequest(port, get(path, "Authorization: Bearer secret\r\n")).status, 200);
                // Host checks apply to public routes too.
                QCOMPARE(rawRequest(port, "GET " + path + " HTTP/1.1\r\nHost: evil.example\r\n\r\n").status, 403);
            }
            // Only the probes: the rest still needs the token.
            QCOMPARE(rawRequest(port, get("/gradio_api/info")).status, 401);
        }
    }

    void probesAreNeverBehindPasswordLogin()
    {
        qradio::ServerOptions options;
        options.auth = {{u"alice"_s, u"pw"_s}};
        qradio::Server server(options);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        QCOMPARE(rawRequest(server.port(), get("/gradio_api/info")).status, 401);
        QCOMPARE(rawRequest(server.port(), get("/gradio_api/health")).status, 200);
        QCOMPARE(rawRequest(server.port(), get("/gradio_api/ready")).status, 200);
    }
};

QTEST_GUILESS_MAIN(tst_Drain)
#include "tst_drain.moc"
