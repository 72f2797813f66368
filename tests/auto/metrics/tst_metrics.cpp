// SPDX-License-Identifier: MIT
// ServerOptions::metrics, metricsPort and accessLog, checked on the wire with a raw socket.
#include <qradio/accesslog.h>
#include <qradio/server.h>

#include "exposition_parser.h"
#include "rawhttp.h"

#include <QMutex>
#include <QTcpServer>
#include <QtTest>

#include <atomic>

using namespace Qt::StringLiterals;

static std::atomic<bool> releaseSlow{false};
static std::atomic<bool> slowRunning{false};

//! What the access log category said while a test listened.
struct AccessCapture
{
    struct Line
    {
        QString text;
        qradio::AccessRecord record;
        bool hasRecord = false;
    };
    static inline QMutex mutex;
    static inline QList<Line> lines;
    static inline QtMessageHandler previous = nullptr;
    static void handler(QtMsgType type, const QMessageLogContext &context, const QString &message)
    {
        if (context.category && qstrcmp(context.category, "qradio.access") == 0) {
            QMutexLocker lock(&mutex);
            Line line{message, {}, false};
            if (const qradio::AccessRecord *r = qradio::currentAccessRecord()) {
                line.record = *r;
                line.hasRecord = true;
            }
            lines.append(line);
            return;
        }
        previous(type, context, message);
    }
    static QList<Line> take()
    {
        QMutexLocker lock(&mutex);
        return std::exchange(lines, {});
    }
};

static QByteArray get(const QByteArray &target, const QByteArray &extra = {})
{
    return "GET " + target + " HTTP/1.1\r\nHost: localhost\r\n" + extra + "\r\n";
}

static QByteArray postJson(const QByteArray &target, const QByteArray &body)
{
    return "POST " + target + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
        + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

//! The body of a chunked response, decoded (what a stream's access line counts).
static QByteArray dechunk(const QByteArray &raw)
{
    QByteArray body;
    qsizetype pos = 0;
    while (true) {
        const qsizetype eol = raw.indexOf("\r\n", pos);
        if (eol < 0)
            return body;
        bool ok = false;
        const qsizetype size = raw.mid(pos, eol - pos).toLongLong(&ok, 16);
        if (!ok || size == 0)
            return body;
        body += raw.mid(eol + 2, size);
        pos = eol + 2 + size + 2;
    }
}

static quint16 freePort()
{
    QTcpServer probe;
    return probe.listen(QHostAddress::LocalHost, 0) ? probe.serverPort() : 0;
}

class tst_Metrics : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<qradio::Server> makeServer(qradio::ServerOptions options)
    {
        auto server = std::make_unique<qradio::Server>(options);
        server->get(u"/items/<id>"_s, [](const qradio::Request &r) { return qradio::Response::text(r.param(u"id"_s)); });
        server->api(u"slow"_s, [](int n) {
            slowRunning = true;
            while (!releaseSlow)
                QThread::msleep(5);
            slowRunning = false;
            return n + 1;
        }).params({"n"});
        return server;
    }
    static Exposition scrape(quint16 port, const QByteArray &extra = {})
    {
        const RawResponse r = rawRequest(port, get("/metrics", extra));
        if (r.status != 200)
            qWarning() << "GET /metrics:" << r.statusLine << r.body;
        return parseExposition(r.body);
    }

private slots:
    void initTestCase() { AccessCapture::previous = qInstallMessageHandler(AccessCapture::handler); }
    void cleanupTestCase() { qInstallMessageHandler(AccessCapture::previous); }
    void cleanup() { releaseSlow = true; } // a failed test leaves no call behind
    void init()
    {
        releaseSlow = false;
        AccessCapture::take();
    }

    void requestsAreCountedByRoutePatternAndStatus()
    {
        qradio::ServerOptions options;
        options.metrics = true;
        auto server = makeServer(options);
        QVERIFY2(server->listen(QHostAddress::LocalHost, 0), qPrintable(server->errorString()));
        for (const char *id : {"1", "2", "abc"})
            QCOMPARE(rawRequest(server->port(), get("/items/"_ba + id)).status, 200);
        QCOMPARE(rawRequest(server->port(), get("/no/such/path/123")).status, 404);
        QCOMPARE(rawRequest(server->port(), "POST /items/1 HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n").status, 405);

        const RawResponse raw = rawRequest(server->port(), get("/metrics"));
        QCOMPARE(raw.status, 200);
        QCOMPARE(raw.header("content-type"), "text/plain; version=0.0.4; charset=utf-8"_ba);
        const Exposition e = parseExposition(raw.body);
        QVERIFY2(e.errors.isEmpty(), qPrintable(e.errors.join(u'\n')));
        QCOMPARE(e.value(u"qradio_http_requests_total"_s, {{u"method"_s, u"GET"_s}, {u"route"_s, u"/items/<id>"_s}, {u"status"_s, u"200"_s}}), 3.0);
        QCOMPARE(e.value(u"qradio_http_requests_total"_s, {{u"method"_s, u"GET"_s}, {u"route"_s, u"other"_s}, {u"status"_s, u"404"_s}}), 1.0);
        QCOMPARE(e.value(u"qradio_http_requests_total"_s, {{u"method"_s, u"POST"_s}, {u"route"_s, u"other"_s}, {u"status"_s, u"405"_s}}), 1.0);
        for (const Sample &s : e.samples)
            QVERIFY2(!s.labels.value(u"route"_s).contains(u"123"_s) && !s.labels.value(u"route"_s).contains(u"abc"_s),
                     "a raw path became a label");
        QCOMPARE(e.value(u"qradio_http_request_duration_seconds_count"_s, {{u"route"_s, u"/items/<id>"_s}}), 3.0);
        QVERIFY(e.value(u"qradio_http_received_bytes_total"_s) > 5 * 30);
        QVERIFY(e.value(u"qradio_http_sent_bytes_total"_s) > 5 * 60);
        // The scrape's own, once the server has seen the earlier clients hang up (on its threads).
        const auto openConnections = [&server] {
            return parseExposition(rawRequest(server->port(), get("/metrics")).body).value(u"qradio_http_connections"_s);
        };
        QTRY_COMPARE(openConnections(), 1.0);
        QCOMPARE(e.value(u"qradio_build_info"_s), 1.0);
        QVERIFY(!e.samples.isEmpty());
        for (const char *name : {"process_resident_memory_bytes", "process_cpu_seconds_total", "process_open_fds",
                                 "process_max_fds", "process_start_time_seconds"})
            QVERIFY2(e.value(QString::fromLatin1(name)) > 0, name);
        QVERIFY(std::abs(e.value(u"process_start_time_seconds"_s) - QDateTime::currentSecsSinceEpoch()) < 3600);
        QCOMPARE(e.types.value(u"qradio_http_request_duration_seconds"_s), u"histogram"_s);
        QCOMPARE(e.types.value(u"qradio_http_connections"_s), u"gauge"_s);
    }

    void callsAndStreamsAreCounted()
    {
        qradio::ServerOptions options;
        options.metrics = true;
        auto server = makeServer(options);
        QVERIFY(server->listen(QHostAddress::LocalHost, 0));
        const quint16 port = server->port();
        const RawResponse joined = rawRequest(port, postJson("/gradio_api/call/slow", R"({"data":[41]})"));
        QCOMPARE(joined.status, 200);
        const QByteArray eventId = QJsonDocument::fromJson(joined.body).object().value(u"event_id"_s).toString().toUtf8();
        QVERIFY(!eventId.isEmpty());
        RawClient stream;
        QVERIFY(stream.connectTo(port));
        stream.send(get("/gradio_api/call/slow/" + eventId));
        QVERIFY(QTest::qWaitFor([] { return slowRunning.load(); }, 5000));
        stream.readUntil("\r\n\r\n"); // the stream's head: it is open

        Exposition e = scrape(port);
        QVERIFY2(e.errors.isEmpty(), qPrintable(e.errors.join(u'\n')));
        // One concurrency group (the endpoint's own), named by its key.
        QString group;
        for (const Sample &s : e.samples)
            if (s.name == u"qradio_jobs_running")
                group = s.labels.value(u"group"_s);
        QVERIFY(!group.isEmpty());
        QCOMPARE(e.value(u"qradio_jobs_running"_s, {{u"group"_s, group}}), 1.0);
        QCOMPARE(e.value(u"qradio_queue_waiting"_s, {{u"group"_s, group}}), 0.0);
        QCOMPARE(e.value(u"qradio_sse_streams"_s), 1.0);
        QCOMPARE(e.value(u"qradio_queue_wait_seconds_count"_s), 1.0);
        QVERIFY(!e.has(u"qradio_job_duration_seconds_count"_s));

        releaseSlow = true;
        const QByteArray raw = stream.readUntil("0\r\n\r\n");
        QVERIFY(dechunk(raw.mid(raw.indexOf("\r\n\r\n") + 4)).contains("42"));
        // The stream's end is counted when its last write went out; give it a moment.
        QVERIFY(QTest::qWaitFor([&] {
            e = scrape(port);
            return e.value(u"qradio_sse_streams"_s) == 0.0;
        }, 5000));
        QVERIFY2(e.errors.isEmpty(), qPrintable(e.errors.join(u'\n')));
        QCOMPARE(e.value(u"qradio_jobs_running"_s, {{u"group"_s, group}}), 0.0);
        QCOMPARE(e.value(u"qradio_job_duration_seconds_count"_s, {{u"endpoint"_s, u"slow"_s}, {u"outcome"_s, u"success"_s}}), 1.0);
        QVERIFY(e.value(u"qradio_job_duration_seconds_sum"_s, {{u"endpoint"_s, u"slow"_s}, {u"outcome"_s, u"success"_s}}) > 0);
        QCOMPARE(e.value(u"qradio_jobs_total"_s, {{u"endpoint"_s, u"slow"_s}, {u"outcome"_s, u"success"_s}}), 1.0);
        QCOMPARE(e.value(u"qradio_http_requests_total"_s, {{u"method"_s, u"GET"_s}, {u"route"_s, u"/gradio_api/call/<name>/<event_id>"_s}, {u"status"_s, u"200"_s}}), 1.0);
        QCOMPARE(e.value(u"qradio_mcp_sessions"_s), 0.0);
    }

    void tokenIsRequiredForMetrics()
    {
        qradio::ServerOptions options;
        options.metrics = true;
        options.token = u"s3cret"_s;
        auto server = makeServer(options);
        QVERIFY(server->listen(QHostAddress::LocalHost, 0));
        QCOMPARE(rawRequest(server->port(), get("/metrics")).status, 401);
        QCOMPARE(rawRequest(server->port(), get("/metrics", "Authorization: Bearer wrong\r\n")).status, 401);
        const RawResponse ok = rawRequest(server->port(), get("/metrics", "Authorization: Bearer s3cret\r\n"));
        QCOMPARE(ok.status, 200);
        QVERIFY(ok.body.contains("qradio_http_requests_total"));
        // The refusals were counted on the route, with their status.
        QCOMPARE(parseExposition(ok.body).value(u"qradio_http_requests_total"_s, {{u"route"_s, u"/metrics"_s}, {u"status"_s, u"401"_s}}), 2.0);
    }

    void metricsOffMeansNoRoute()
    {
        auto server = makeServer({});
        QVERIFY(server->listen(QHostAddress::LocalHost, 0));
        QCOMPARE(rawRequest(server->port(), get("/metrics")).status, 404);
    }

    void metricsPortServesLoopbackWithoutToken()
    {
        qradio::ServerOptions options;
        options.metricsPort = freePort();
        options.token = u"s3cret"_s;
        auto server = makeServer(options);
        QVERIFY2(server->listen(QHostAddress::LocalHost, 0), qPrintable(server->errorString()));
        QCOMPARE(rawRequest(server->port(), get("/items/7", "Authorization: Bearer s3cret\r\n")).status, 200);
        QCOMPARE(rawRequest(server->port(), get("/metrics", "Authorization: Bearer s3cret\r\n")).status, 404); // only the port
        const RawResponse r = rawRequest(options.metricsPort, get("/metrics"));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("content-type"), "text/plain; version=0.0.4; charset=utf-8"_ba);
        const Exposition e = parseExposition(r.body);
        QVERIFY2(e.errors.isEmpty(), qPrintable(e.errors.join(u'\n')));
        QCOMPARE(e.value(u"qradio_http_requests_total"_s, {{u"route"_s, u"/items/<id>"_s}, {u"status"_s, u"200"_s}}), 1.0);
        QCOMPARE(rawRequest(options.metricsPort, get("/other")).status, 404);
        // Only on loopback: the listener is bound to 127.0.0.1.
        QTcpServer probe;
        QVERIFY(!probe.listen(QHostAddress::LocalHost, options.metricsPort));
        // Closed with the server.
        server->stop();
        QVERIFY(probe.listen(QHostAddress::LocalHost, options.metricsPort));
    }

    void accessLogLinesInCombinedFormat()
    {
        qradio::ServerOptions options;
        options.accessLog = true;
        auto server = makeServer(options);
        QVERIFY(server->listen(QHostAddress::LocalHost, 0));
        QCOMPARE(rawRequest(server->port(), get("/items/42?x=1", "User-Agent: tst/1.0 \"quoted\"\r\nReferer: http://r/\r\n")).status, 200);
        QVERIFY(QTest::qWaitFor([] { QMutexLocker l(&AccessCapture::mutex); return !AccessCapture::lines.isEmpty(); }, 5000));
        const auto lines = AccessCapture::take();
        QCOMPARE(lines.size(), 1);
        const QRegularExpression re(u"^127\\.0\\.0\\.1 - - \\[\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2} [+-]\\d{4}\\] "
                                    "\"GET /items/42\\?x=1 HTTP/1\\.1\" 200 2 \"http://r/\" \"tst/1\\.0 \\\\x22quoted\\\\x22\" "
                                    "\\d+\\.\\d{3}$"_s);
        QVERIFY2(re.match(lines[0].text).hasMatch(), qPrintable(lines[0].text));
        QVERIFY(lines[0].hasRecord);
        QCOMPARE(lines[0].record.route, u"/items/<id>"_s);
        QCOMPARE(lines[0].record.status, 200);
        QCOMPARE(lines[0].record.bytesSent, 2);
        QCOMPARE(lines[0].record.target, u"/items/42?x=1"_s);
        QCOMPARE(qradio::currentAccessRecord(), nullptr); // only inside the handler
    }

    void accessLogIsOffByDefault()
    {
        qradio::ServerOptions options;
        options.metrics = true; // an observer, but no log
        auto server = makeServer(options);
        QVERIFY(server->listen(QHostAddress::LocalHost, 0));
        QCOMPARE(rawRequest(server->port(), get("/items/1")).status, 200);
        QCOMPARE(rawRequest(server->port(), get("/metrics")).status, 200);
        QTest::qWait(100);
        QCOMPARE(AccessCapture::take().size(), 0);
    }

    void streamIsLoggedOnceWithItsBytes()
    {
        qradio::ServerOptions options;
        options.accessLog = true;
        releaseSlow = true;
        auto server = makeServer(options);
        QVERIFY(server->listen(QHostAddress::LocalHost, 0));
        const RawResponse joined = rawRequest(server->port(), postJson("/gradio_api/call/slow", R"({"data":[1]})"));
        const QByteArray eventId = QJsonDocument::fromJson(joined.body).object().value(u"event_id"_s).toString().toUtf8();
        RawClient stream;
        QVERIFY(stream.connectTo(server->port()));
        stream.send(get("/gradio_api/call/slow/" + eventId));
        const QByteArray raw = stream.readUntil("0\r\n\r\n");
        const QByteArray body = dechunk(raw.mid(raw.indexOf("\r\n\r\n") + 4));
        QVERIFY(body.contains("event: complete"));
        QVERIFY(QTest::qWaitFor([] { QMutexLocker l(&AccessCapture::mutex); return AccessCapture::lines.size() >= 2; }, 5000));
        QTest::qWait(100);
        QList<AccessCapture::Line> streamLines;
        for (const auto &line : AccessCapture::take())
            if (line.record.target.startsWith(u"/gradio_api/call/slow/"_s))
                streamLines.append(line);
        QCOMPARE(streamLines.size(), 1);
        QCOMPARE(streamLines[0].record.bytesSent, body.size());
        QVERIFY2(streamLines[0].text.contains(u"\" 200 %1 \""_s.arg(body.size())), qPrintable(streamLines[0].text));
        QCOMPARE(streamLines[0].record.route, u"/gradio_api/call/<name>/<event_id>"_s);
    }
};

QTEST_MAIN(tst_Metrics)
#include "tst_metrics.moc"
