// SPDX-License-Identifier: MIT
// The HTTP front's guarantees on Qt 6.4.2, checked on the wire with a raw socket: limits,
// 100-continue, chunked bodies, idle and requested closes, HEAD, 405, pipelining, CORS.
#include <qradio/server.h>

#include "rawhttp.h"

#include <QThread>
#include <QtTest>

using namespace std::chrono_literals;

static std::atomic<bool> floodStopped{false};
//! A guard against a hang, not a timing check: a sanitized build (QRADIO_SANITIZER) runs several
//! times slower.
static int hangGuardMs(int ms) { return qEnvironmentVariableIsSet("QRADIO_SANITIZER") ? 4 * ms : ms; }
static std::atomic<int> coYielded{0};
static std::atomic<bool> coFloodEnded{false};
struct SetOnExit
{
    std::atomic<bool> &flag;
    ~SetOnExit() { flag = true; }
};

class tst_Front : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        qradio::ServerOptions options;
        options.maxHeaderSize = 4096;
        options.maxBodySize = 1024;
        options.idleTimeout = 300ms;
        options.maxStreamBuffer = 256 * 1024;
        options.allowedOrigins = {QStringLiteral("http://localhost:5173")};
        server = std::make_unique<qradio::Server>(options);
        server->post(QStringLiteral("/echo"), [](const qradio::Request &r) {
            return qradio::Response::text(QString::number(r.body.size()));
        });
        server->get(QStringLiteral("/sleep/<ms>"), [](const qradio::Request &r) {
            QThread::msleep(r.param(QStringLiteral("ms")).toULong());
            return qradio::Response::text(QStringLiteral("slept ") + r.param(QStringLiteral("ms")));
        });
        server->get(QStringLiteral("/health"), [] { return QJsonObject{{QStringLiteral("status"), QStringLiteral("ok")}}; });
        // Streams until cancelled: only cutting off a client that does not read can stop it.
        server->api("flood", [](qradio::Context &ctx, qradio::Stream<QString> &out, int n) {
            const QString chunk(n, QLatin1Char('x'));
            for (int i = 0; !ctx.isCancelled(); ++i)
                out(chunk + QString::number(i));
            floodStopped = true;
        }).params({"n"});
        QVERIFY2(server->listen(QHostAddress::LocalHost, 0), qPrintable(server->errorString()));
        port = server->port();
    }
    void cleanupTestCase() { server.reset(); }

    void headerBlockTooLargeIs431()
    {
        RawClient c;
        QVERIFY(c.connectTo(port));
        c.send("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: " + QByteArray(8000, 'a') + "\r\n\r\n");
        const RawResponse r = c.readResponse();
        QCOMPARE(r.status, 431);
        QVERIFY(r.body.contains("detail"));
        QVERIFY(c.waitForClose());
    }

    void unterminatedHeadersAre431()
    {
        RawClient c;
        QVERIFY(c.connectTo(port));
        c.send("GET /health HTTP/1.1\r\nX-Endless: " + QByteArray(6000, 'a')); // never ends the header line
        QCOMPARE(c.readResponse().status, 431);
        QVERIFY(c.waitForClose());
    }

    void bodyTooLargeIs413BeforeTheBodyIsSent()
    {
        RawClient c;
        QVERIFY(c.connectTo(port));
        // Only the headers go out: the answer must come from Content-Length alone.
        c.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000000000\r\n\r\n");
        const RawResponse r = c.readResponse();
        QCOMPARE(r.status, 413);
        QCOMPARE(r.header("connection"), QByteArray("close"));
        QVERIFY(c.waitForClose());
    }

    void expectContinueIsAnswered()
    {
        RawClient c;
        QVERIFY(c.connectTo(port));
        c.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
        QVERIFY(c.readUntil("\r\n\r\n").startsWith("HTTP/1.1 100 Continue\r\n\r\n"));
        c.buffer.remove(0, qstrlen("HTTP/1.1 100 Continue\r\n\r\n"));
        c.send("hello");
        const RawResponse r = c.readResponse();
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, QByteArray("5"));
    }

    void chunkedRequestBodiesAreRead()
    {
        RawClient c;
        QVERIFY(c.connectTo(port));
        c.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
        c.send("6;name=value\r\n world\r\n0\r\n\r\nGET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
        const RawResponse r = c.readResponse();
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, QByteArray("11")); // decoded: the chunk framing is not part of the body
        QCOMPARE(c.readResponse().body, QByteArray(R"({"status":"ok"})")); // and the next request follows it
        // A chunked body is held to the body limit as it arrives.
        RawClient big;
        QVERIFY(big.connectTo(port));
        big.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n401\r\n"); // 1025 bytes
        QCOMPARE(big.readResponse().status, 413);
        QVERIFY(big.waitForClose());
    }

    void idleKeepAliveIsClosed()
    {
        RawClient c;
        QVERIFY(c.connectTo(port));
        c.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
        QCOMPARE(c.readResponse().status, 200);
        QVERIFY(c.waitForClose(10000)); // idleTimeout is 300 ms
    }

    void connectionCloseIsHonoured()
    {
        RawClient c;
        QVERIFY(c.connectTo(port));
        c.send("GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        const RawResponse r = c.readResponse();
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("connection"), QByteArray("close"));
        QVERIFY(c.waitForClose(1000));
    }

    void http10ClosesUnlessKeepAlive()
    {
        RawClient c;
        QVERIFY(c.connectTo(port));
        c.send("GET /health HTTP/1.0\r\n\r\n");
        const RawResponse r = c.readResponse();
        QCOMPARE(r.statusLine, QByteArray("HTTP/1.0 200 OK"));
        QCOMPARE(r.body, QByteArray(R"({"status":"ok"})"));
        QVERIFY(c.waitForClose(1000));

        RawClient k;
        QVERIFY(k.connectTo(port));
        k.send("GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        QCOMPARE(k.readResponse().header("connection"), QByteArray("keep-alive"));
        k.send("GET /health HTTP/1.0\r\n\r\n");
        QCOMPARE(k.readResponse().status, 200);
    }

    void headHasNoBody()
    {
        RawClient c;
        QVERIFY(c.connectTo(port));
        c.send("HEAD /health HTTP/1.1\r\nHost: localhost\r\n\r\nGET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
        const RawResponse head = c.readResponse();
        QCOMPARE(head.status, 200);
        QCOMPARE(head.header("content-length"), QByteArray("15"));
        // Had HEAD carried a body, the next response would start inside it.
        c.buffer.prepend(head.body);
        const RawResponse get = c.readResponse();
        QCOMPARE(get.statusLine, QByteArray("HTTP/1.1 200 OK"));
        QCOMPARE(get.body, QByteArray(R"({"status":"ok"})"));
    }

    void wrongMethodIs405WithAllow()
    {
        const RawResponse r = rawRequest(port, "DELETE /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
        QCOMPARE(r.status, 405);
        QCOMPARE(r.header("allow"), QByteArray("GET, HEAD"));
        QCOMPARE(r.body, QByteArray(R"({"detail":"Method Not Allowed"})"));
        QCOMPARE(rawRequest(port, "PROPFIND /health HTTP/1.1\r\nHost: localhost\r\n\r\n").status, 405);
        const RawResponse missing = rawRequest(port, "GET /nothing/here HTTP/1.1\r\nHost: localhost\r\n\r\n");
        QCOMPARE(missing.status, 404);
        QCOMPARE(missing.body, QByteArray(R"({"detail":"Not Found"})"));
    }

    void optionsListsMethods()
    {
        const RawResponse r = rawRequest(port, "OPTIONS /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
        QCOMPARE(r.status, 204);
        QCOMPARE(r.header("allow"), QByteArray("GET, HEAD, OPTIONS"));
    }

    void pipelinedRepliesKeepTheirOrder()
    {
        RawClient c;
        QVERIFY(c.connectTo(port));
        // The first answer is slow (it runs on the route pool); the second must not overtake it.
        c.send("GET /sleep/200 HTTP/1.1\r\nHost: localhost\r\n\r\nGET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
        const RawResponse first = c.readResponse();
        const RawResponse second = c.readResponse();
        QCOMPARE(first.body, QByteArray("slept 200"));
        QCOMPARE(second.body, QByteArray(R"({"status":"ok"})"));
    }

    void corsNamesOnlyAllowedOrigins()
    {
        const QByteArray self = "http://localhost:" + QByteArray::number(port);
        // The app's own pages, and an allowed dev server, get their origin back with credentials.
        for (const QByteArray &origin : {self, QByteArray("http://localhost:5173")}) {
            const RawResponse r = rawRequest(port, "GET /health HTTP/1.1\r\nHost: localhost:" + QByteArray::number(port)
                                                       + "\r\nOrigin: " + origin + "\r\n\r\n");
            QCOMPARE(r.status, 200);
            QCOMPARE(r.header("access-control-allow-origin"), origin);
            QCOMPARE(r.header("access-control-allow-credentials"), QByteArray("true"));
        }
        // A foreign origin is refused and never named; under a foreign Host (DNS rebinding) too,
        // even when the Origin matches that Host (gradio#13594 reflected it with credentials).
        for (const QByteArray &head : {QByteArray("Host: localhost\r\nOrigin: https://evil.example\r\n"),
                                       QByteArray("Host: api.example.com\r\nOrigin: http://api.example.com\r\n"),
                                       QByteArray("Host: localhost\r\nOrigin: null\r\n")}) {
            const RawResponse r = rawRequest(port, "GET /health HTTP/1.1\r\n" + head + "\r\n");
            QCOMPARE(r.status, 403);
            QVERIFY(r.header("access-control-allow-origin").isEmpty());
            QVERIFY(r.header("access-control-allow-credentials").isEmpty());
        }
        // Preflight: an allowed origin gets the requested headers, a foreign one nothing.
        RawResponse r = rawRequest(port, "OPTIONS /gradio_api/queue/data HTTP/1.1\r\nHost: localhost\r\nOrigin: http://localhost:5173\r\n"
                                         "Access-Control-Request-Method: GET\r\nAccess-Control-Request-Headers: content-type\r\n\r\n");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("access-control-allow-headers"), QByteArray("content-type"));
        QCOMPARE(r.header("access-control-allow-origin"), QByteArray("http://localhost:5173"));
        r = rawRequest(port, "OPTIONS /gradio_api/queue/join HTTP/1.1\r\nHost: localhost\r\nOrigin: https://evil.example\r\n"
                             "Access-Control-Request-Method: POST\r\n\r\n");
        QCOMPARE(r.status, 403);
        QVERIFY(r.header("access-control-allow-origin").isEmpty());
        QVERIFY(r.header("access-control-allow-methods").isEmpty());
    }

    void slowReaderIsCutOff()
    {
        // A client that joins a stream producing far more than maxStreamBuffer and never reads.
        floodStopped = false;
        QCOMPARE(joinFlood("slow"), 200); // joined before the stream opens, or the stream finds no session
        RawClient stream;
        QVERIFY(stream.connectTo(port));
        stream.socket.setReadBufferSize(1024);
        stream.send("GET /gradio_api/queue/data?session_hash=slow HTTP/1.1\r\nHost: localhost\r\n\r\n");
        // Never read: the server must cut us off (which cancels the job) rather than buffer
        // without end; meanwhile it keeps serving others.
        QTRY_VERIFY_WITH_TIMEOUT(floodStopped.load(), hangGuardMs(30000));
        QCOMPARE(rawRequest(port, "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n").status, 200);
    }

    void heldBackGeneratorWithoutReaderIsStopped()
    {
        // A client that joins and never opens its stream: the generator is held back once its
        // backlog is large, and stopped when no reader came within the stall time (10 s).
        floodStopped = false;
        QCOMPARE(joinFlood("noreader"), 200);
        QTRY_VERIFY_WITH_TIMEOUT(floodStopped.load(), hangGuardMs(30000));
        QCOMPARE(rawRequest(port, "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n").status, 200);
    }

    void fastCoroutineGeneratorWaitsForSlowReader()
    {
        // Default limits (a 16 MB stream buffer, cut off at 8x that), and a coroutine generator
        // that never waits by itself, so only pacing can hold it back.
        qradio::Server paced;
        paced.api("coflood", [](qradio::Context &ctx, int n) -> QCoro::AsyncGenerator<QString> {
            SetOnExit ended{coFloodEnded}; // the frame is destroyed when the call is stopped
            const QString chunk(n, QLatin1Char('y'));
            while (!ctx.isCancelled()) {
                // Each value differs, so each update carries a 64 KB replace edit.
                QString value = chunk + QString::number(++coYielded); // co_yield takes an lvalue
                co_yield value;
            }
        }).params({"n"});
        QVERIFY(paced.listen(QHostAddress::LocalHost, 0));
        const quint16 port = paced.port();
        RawClient stream;
        QVERIFY(stream.connectTo(port));
        stream.socket.setReadBufferSize(1024);
        const QByteArray body = R"({"data":[65536],"fn_index":0,"session_hash":"coslow"})";
        QCOMPARE(rawRequest(port, "POST /gradio_api/queue/join HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                                  "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body).status, 200);
        stream.send("GET /gradio_api/queue/data?session_hash=coslow HTTP/1.1\r\nHost: localhost\r\n\r\n");
        // The reader never reads: the generator is paused while it is behind, and the reader is
        // cut off after a while without reading, which stops the call.
        QTRY_VERIFY_WITH_TIMEOUT(coFloodEnded.load(), hangGuardMs(40000));
        // Paused means it produced about what the socket buffers hold (a few MB: ~200 values of
        // 64 KB), not the 128 MB (2,000 values) an unpaced burst runs up to before it is cut off.
        QVERIFY2(coYielded.load() < 1000, QByteArray::number(coYielded.load()));
        QCOMPARE(rawRequest(port, "GET /config HTTP/1.1\r\nHost: localhost\r\n\r\n").status, 200); // still serving
    }

private:
    int joinFlood(const QByteArray &session)
    {
        const QByteArray body = "{\"data\":[65536],\"fn_index\":0,\"session_hash\":\"" + session + "\"}";
        return rawRequest(port, "POST /gradio_api/queue/join HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                                "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body).status;
    }

    std::unique_ptr<qradio::Server> server;
    quint16 port = 0;
};

QTEST_GUILESS_MAIN(tst_Front)
#include "tst_front.moc"
