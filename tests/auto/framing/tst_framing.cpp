// SPDX-License-Identifier: MIT
// The front on the wire: every framing refusal answers before it closes and never lets a
// pipelined request be read from body bytes; every phase of a connection has a deadline; a flood
// of idle connections or heartbeat streams never locks a new user out.
#include <qradio/server.h>

#include "rawhttp.h"

#include <QThread>
#include <QtTest>

#include <memory>

using namespace std::chrono_literals;

static std::atomic<int> sleepsStarted{0};

class tst_Framing : public QObject
{
    Q_OBJECT
private:
    static std::unique_ptr<qradio::Server> makeServer(qradio::ServerOptions options)
    {
        auto server = std::make_unique<qradio::Server>(options);
        server->post(QStringLiteral("/echo"), [](const qradio::Request &r) { return qradio::Response::text(QString::fromUtf8(r.body)); });
        server->get(QStringLiteral("/health"), [] { return QJsonObject{{QStringLiteral("status"), QStringLiteral("ok")}}; })
            .nonBlocking();
        server->get(QStringLiteral("/sleep/<ms>"), [](const qradio::Request &r) {
            ++sleepsStarted;
            QThread::msleep(r.param(QStringLiteral("ms")).toULong());
            return qradio::Response::text(QStringLiteral("slept"));
        });
        if (!server->listen(QHostAddress::LocalHost, 0))
            return nullptr;
        return server;
    }
    //! Sends `bytes` and expects `status` with a JSON detail, then the close.
    void refused(const QByteArray &bytes, int status)
    {
        RawClient c;
        QVERIFY(c.connectTo(port));
        c.send(bytes);
        const RawResponse r = c.readResponse();
        QCOMPARE(r.status, status);
        QCOMPARE(r.header("connection"), QByteArray("close"));
        QVERIFY(r.body.startsWith("{\"detail\":"));
        QVERIFY(c.waitForClose());
        // Nothing after the refusal was taken as a request.
        QVERIFY2(!c.buffer.contains("HTTP/1.1"), c.buffer.constData());
    }

private slots:
    void initTestCase()
    {
        qradio::ServerOptions options;
        options.maxBodySize = 4096;
        options.headTimeout = 600ms;
        options.bodyTimeout = 600ms;
        options.minBodyRate = 1000;
        server = makeServer(options);
        QVERIFY(server);
        port = server->port();
    }
    void cleanupTestCase() { server.reset(); }

    void desyncPairIsRefused()
    {
        // Two different lengths: had one side used 5 and the other 40, the tail of the body
        // would have been read as a second request (request smuggling).
        const QByteArray smuggled = "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n";
        refused("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\nContent-Length: "
                    + QByteArray::number(5 + smuggled.size()) + "\r\n\r\nhello" + smuggled,
                400);
        refused("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5, 45\r\n\r\nhello" + smuggled, 400);
        refused("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled, 400);
        refused("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: -1\r\n\r\n", 400);
    }

    void transferEncodingOtherThanChunkedIsRefused()
    {
        refused("POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked, identity\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 501);
        refused("POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: gzip\r\n\r\n", 501);
        // The refusal quotes the coding, JSON-escaped.
        RawClient c;
        QVERIFY(c.connectTo(port));
        c.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: x\"}\\\r\n\r\n");
        const RawResponse r = c.readResponse();
        QCOMPARE(r.status, 501);
        QVERIFY2(QJsonDocument::fromJson(r.body).object().value(QStringLiteral("detail")).toString().contains(QStringLiteral("x\"}\\")),
                 r.body.constData());
        refused("POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 400);
    }

    void malformedHeadsAreRefused()
    {
        refused("GET /health HTTP/1.1\r\nHost: localhost\r\nHost: evil.example.com\r\n\r\n", 400);
        refused("GET /health HTTP/1.1\r\n\r\n", 400); // no Host
        refused("GET /health HTTP/1.1x\r\nHost: localhost\r\n\r\n", 400);
        refused("GET /health HTTP/2.0\r\nHost: localhost\r\n\r\n", 505);
        refused("GET /health HTTP/1.1\r\nHost: localhost\r\nX-A: a\r\n folded\r\n\r\n", 400);
        refused("GET /health HTTP/1.1\r\nHost: localhost\r\nX-A: a\rb\r\n\r\n", 400);
    }

    void higherMinorVersionIsServedAs11()
    {
        const RawResponse r = rawRequest(port, "GET /health HTTP/1.9\r\nHost: localhost\r\n\r\n");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.statusLine, QByteArray("HTTP/1.1 200 OK"));
    }

    void refusalWaitsForTheResponseInFlight()
    {
        // A bad request pipelined behind a slow one: the slow answer goes out whole, then the refusal.
        RawClient c;
        QVERIFY(c.connectTo(port));
        c.send("GET /sleep/300 HTTP/1.1\r\nHost: localhost\r\n\r\n");
        QTest::qWait(50);
        c.send("GET /health HTTP/7.0\r\nHost: localhost\r\n\r\n");
        const RawResponse first = c.readResponse();
        QCOMPARE(first.status, 200);
        QCOMPARE(first.body, QByteArray("slept"));
        QCOMPARE(c.readResponse().status, 505);
        QVERIFY(c.waitForClose());
    }

    void slowHeadIs408()
    {
        RawClient c;
        QVERIFY(c.connectTo(port));
        QElapsedTimer t;
        t.start();
        // A byte now and then restarts nothing: the head has 600 ms in all.
        for (const char *piece : {"GET /hea", "lth HTTP/1.1\r\n", "Host: local"}) {
            c.send(piece);
            QTest::qWait(250);
        }
        const RawResponse r = c.readResponse();
        QCOMPARE(r.status, 408);
        QVERIFY(c.waitForClose());
        QVERIFY(t.elapsed() < 5000);
    }

    void slowBodyIs408()
    {
        RawClient c;
        QVERIFY(c.connectTo(port));
        c.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n");
        // One byte every 100 ms is 10 B/s, far below the 1000 B/s minimum: cut off after the
        // 600 ms grace however steadily it trickles.
        QElapsedTimer t;
        t.start();
        while (c.socket.state() == QAbstractSocket::ConnectedState && t.elapsed() < 5000 && !c.buffer.contains("HTTP/1.1")) {
            c.send("x");
            c.socket.waitForReadyRead(100);
            c.buffer += c.socket.readAll();
        }
        QCOMPARE(c.readResponse().status, 408);
        QVERIFY(t.elapsed() < 3000);
        QVERIFY(c.waitForClose());
    }

    void bodyAtTheMinimumRateIsTaken()
    {
        RawClient c;
        QVERIFY(c.connectTo(port));
        const QByteArray body(3000, 'b');
        c.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3000\r\n\r\n");
        // 3000 bytes in 6 pieces over ~1.5 s: 2000 B/s, above the minimum.
        for (int i = 0; i < 6; ++i) {
            c.send(body.mid(i * 500, 500));
            QTest::qWait(250);
        }
        const RawResponse r = c.readResponse();
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body.size(), 3000);
    }

    void idleFloodDoesNotLockOut()
    {
        // 2,100 used keep-alive connections against a cap of 2,000: the oldest idle ones make
        // room, and a new user is served at once.
        qradio::ServerOptions options;
        options.maxConnections = 2000;
        options.networkThreads = 1; // one cap to reach (each network thread has its share)
        auto capped = makeServer(options);
        QVERIFY(capped);
        std::vector<std::unique_ptr<RawClient>> idle;
        int served = 0;
        for (int i = 0; i < 2100; ++i) {
            auto c = std::make_unique<RawClient>();
            QVERIFY(c->connectTo(capped->port()));
            c->send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
            served += c->readResponse().status == 200;
            idle.push_back(std::move(c));
        }
        QCOMPARE(served, 2100);
        const RawResponse fresh = rawRequest(capped->port(), "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
        QCOMPARE(fresh.status, 200);
        // The first ones (idle longest) were closed; the latest are still open.
        QVERIFY(idle.front()->waitForClose());
        QCOMPARE(idle.back()->socket.state(), QAbstractSocket::ConnectedState);
    }

    void capClosesIdleBeforeHeartbeatsAndNeverWork()
    {
        qradio::ServerOptions options;
        options.maxConnections = 3;
        options.networkThreads = 1;
        auto capped = makeServer(options);
        QVERIFY(capped);
        const quint16 p = capped->port();
        const auto open = [p](RawClient &c, const QByteArray &path) {
            c.connectTo(p);
            c.send("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
        };
        RawClient heartbeat, busy, keepAlive, second, third, fourth;
        open(heartbeat, "/gradio_api/heartbeat/abc");
        QVERIFY(heartbeat.readUntil("ALIVE").contains("ALIVE"));
        sleepsStarted = 0;
        open(busy, "/sleep/2500");
        QTRY_COMPARE(sleepsStarted.load(), 1);
        open(keepAlive, "/health");
        QCOMPARE(keepAlive.readResponse().status, 200);
        // At the cap the idle keep-alive connection makes room first...
        open(second, "/sleep/2000");
        QVERIFY(keepAlive.waitForClose());
        QTRY_COMPARE(sleepsStarted.load(), 2); // at work, so not a candidate
        QCOMPARE(heartbeat.socket.state(), QAbstractSocket::ConnectedState);
        // ...then the heartbeat stream, ended properly (the Python client opens it again).
        open(third, "/health");
        QCOMPARE(third.readResponse().status, 200);
        QVERIFY(heartbeat.waitForClose());
        QVERIFY(heartbeat.buffer.endsWith("0\r\n\r\n"));
        third.send("GET /sleep/1500 HTTP/1.1\r\nHost: localhost\r\n\r\n");
        QTRY_COMPARE(sleepsStarted.load(), 3);
        // Connections at work are never closed to make room: with only work left, 503.
        open(fourth, "/health");
        const RawResponse refused = fourth.readResponse();
        QCOMPARE(refused.status, 503);
        QCOMPARE(refused.header("retry-after"), QByteArray("1"));
        for (RawClient *c : {&busy, &second, &third}) {
            const RawResponse r = c->readResponse();
            QCOMPARE(r.status, 200);
            QCOMPARE(r.body, QByteArray("slept"));
        }
    }

    void connectionsAreServedOnSeveralThreads()
    {
        // Two network threads accept from one listening socket; connections land on both, and a
        // nonBlocking route answers on the thread of its connection.
        qradio::ServerOptions options;
        options.networkThreads = 2;
        qradio::Server two(options);
        two.get(QStringLiteral("/thread"), [] { return qradio::Response::text(QThread::currentThread()->objectName()); })
            .nonBlocking();
        QVERIFY(two.listen(QHostAddress::LocalHost, 0));
        QSet<QByteArray> seen;
        std::vector<std::unique_ptr<RawClient>> held; // held open, so the next connection is a new one
        for (int i = 0; i < 200 && seen.size() < 2; ++i) {
            auto c = std::make_unique<RawClient>();
            QVERIFY(c->connectTo(two.port()));
            c->send("GET /thread HTTP/1.1\r\nHost: localhost\r\n\r\n");
            const RawResponse r = c->readResponse();
            QCOMPARE(r.status, 200);
            QVERIFY2(r.body.startsWith("qradio-net-"), r.body.constData());
            seen.insert(r.body);
            held.push_back(std::move(c));
        }
        QCOMPARE(seen.size(), 2);
    }

    void idleHeartbeatStreamEnds()
    {
        qradio::ServerOptions options;
        options.heartbeatInterval = 100ms;
        options.heartbeatStreamTimeout = 400ms;
        auto short_ = makeServer(options);
        QVERIFY(short_);
        RawClient c;
        QVERIFY(c.connectTo(short_->port()));
        c.send("GET /gradio_api/heartbeat/nobody HTTP/1.1\r\nHost: localhost\r\n\r\n");
        // A session with nothing pending: the stream ends (properly framed) after the timeout,
        // and the connection stays usable.
        QVERIFY(c.readUntil("0\r\n\r\n", 5000).endsWith("0\r\n\r\n"));
        QVERIFY(c.buffer.contains("data: ALIVE"));
        c.buffer.clear();
        c.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
        QCOMPARE(c.readResponse().status, 200);
    }

    void heartbeatStreamsBeatAndEndWhenTheServerStops()
    {
        qradio::ServerOptions options;
        options.heartbeatInterval = 100ms;
        auto stopping = makeServer(options);
        QVERIFY(stopping);
        RawClient c;
        QVERIFY(c.connectTo(stopping->port()));
        c.send("GET /gradio_api/heartbeat/someone HTTP/1.1\r\nHost: localhost\r\n\r\n");
        // The first frame at once, then one per interval...
        QVERIFY(c.readUntil("data: ALIVE\n\n").contains("data: ALIVE\n\n"));
        QElapsedTimer waited;
        waited.start();
        while (c.buffer.count("data: ALIVE\n\n") < 3 && waited.elapsed() < 5000) {
            c.socket.waitForReadyRead(100);
            c.buffer += c.socket.readAll();
        }
        QVERIFY(c.buffer.count("data: ALIVE\n\n") >= 3);
        // ...and a properly terminated stream when the server stops.
        stopping->stop();
        QVERIFY(c.readUntil("0\r\n\r\n", 5000).endsWith("0\r\n\r\n"));
    }

private:
    std::unique_ptr<qradio::Server> server;
    quint16 port = 0;
};

QTEST_GUILESS_MAIN(tst_Framing)
#include "tst_framing.moc"
