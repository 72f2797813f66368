// SPDX-License-Identifier: MIT
// What one client may make the queue hold (ServerOptions::maxSessionEvents, maxSessionBytes,
// unreadSessionTimeout), checked through queue/join and queue/data with a raw socket.
#include <qradio/server.h>

#include "rawhttp.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

#include <memory>

using namespace std::chrono_literals;
using namespace Qt::StringLiterals;

class tst_Queue : public QObject
{
    Q_OBJECT
private:
    RawResponse join(const QString &session, const QString &text, quint16 to = 0)
    {
        const QByteArray body = QJsonDocument(QJsonObject{{u"data"_s, QJsonArray{text}}, {u"fn_index"_s, 0},
                                                          {u"session_hash"_s, session}})
                                    .toJson(QJsonDocument::Compact);
        return rawRequest(to ? to : port, "POST /gradio_api/queue/join HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                                          "application/json\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
    }
    //! Reads the session's stream to its close_stream; the number of completed events.
    int readStream(const QString &session)
    {
        RawClient c;
        if (!c.connectTo(port))
            return -1;
        c.send("GET /gradio_api/queue/data?session_hash=" + session.toUtf8() + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
        const QByteArray stream = c.readUntil("close_stream");
        return int(stream.count("process_completed"));
    }

private slots:
    void initTestCase()
    {
        qradio::ServerOptions options;
        options.maxSessionEvents = 3;
        options.maxSessionBytes = 10000;
        options.unreadSessionTimeout = 400ms;
        server = std::make_unique<qradio::Server>(options);
        server->api("echo", [](const QString &text) { return text; }).params({"text"});
        QVERIFY(server->listen(QHostAddress::LocalHost, 0));
        port = server->port();
    }
    void cleanupTestCase() { server.reset(); }

    void aSessionHoldsAtMostMaxSessionEvents()
    {
        // Finished events whose results nobody read yet count: they wait in the session.
        for (int i = 0; i < 3; ++i)
            QCOMPARE(join(u"many"_s, u"x"_s).status, 200);
        const RawResponse refused = join(u"many"_s, u"x"_s);
        QCOMPARE(refused.status, 503);
        QVERIFY2(refused.body.contains("already has 3 events pending"), refused.body.constData());
        QCOMPARE(join(u"other"_s, u"x"_s).status, 200); // another client is not affected
        // Reading the results makes room again.
        QCOMPARE(readStream(u"many"_s), 3);
        QCOMPARE(join(u"many"_s, u"x"_s).status, 200);
        QCOMPARE(readStream(u"many"_s), 1);
        QCOMPARE(readStream(u"other"_s), 1);
    }

    void aSessionHoldsAtMostMaxSessionBytes()
    {
        // The result of the first (its text again, unread) and the arguments of the second.
        const QString big(6000, u'b');
        QCOMPARE(join(u"bytes"_s, big).status, 200);
        const RawResponse refused = join(u"bytes"_s, big);
        QCOMPARE(refused.status, 503);
        QVERIFY2(refused.body.contains("more than the 10000 one session may hold"), refused.body.constData());
        QCOMPARE(readStream(u"bytes"_s), 1);
        QCOMPARE(join(u"bytes"_s, big).status, 200);
        QCOMPARE(readStream(u"bytes"_s), 1);
    }

    void aLongSessionHashIsRefused()
    {
        const RawResponse r = join(QString(257, u'h'), u"x"_s);
        QCOMPARE(r.status, 400);
        QVERIFY2(r.body.contains("longer than 256 characters"), r.body.constData());
        QCOMPARE(join(QString(256, u'h'), u"x"_s).status, 200);
        QCOMPARE(readStream(QString(256, u'h')), 1);
    }

    void theLastResultAndCloseStreamGoOutTogether()
    {
        // @gradio/client starts its next call when it reads a result, and opens a stream for it
        // only if it has seen close_stream: the two must arrive in one piece (one chunk), or the
        // next call can join before close_stream arrives and wait for ever.
        QCOMPARE(join(u"together"_s, u"x"_s).status, 200);
        RawClient c;
        QVERIFY(c.connectTo(port));
        c.send("GET /gradio_api/queue/data?session_hash=together HTTP/1.1\r\nHost: localhost\r\n\r\n");
        const QByteArray raw = c.readUntil("\r\n0\r\n\r\n");
        QList<QByteArray> chunks;
        for (qsizetype at = raw.indexOf("\r\n\r\n") + 4; at > 3 && at < raw.size();) {
            const qsizetype lineEnd = raw.indexOf("\r\n", at);
            bool ok = false;
            const qsizetype size = raw.mid(at, lineEnd - at).toLongLong(&ok, 16);
            if (!ok || size == 0)
                break;
            chunks.append(raw.mid(lineEnd + 2, size));
            at = lineEnd + 2 + size + 2;
        }
        const auto last = std::find_if(chunks.cbegin(), chunks.cend(), [](const QByteArray &chunk) { return chunk.contains("process_completed"); });
        QVERIFY2(last != chunks.cend(), raw.constData());
        QVERIFY2(last->endsWith("data: {\"msg\":\"close_stream\",\"event_id\":null}\n\n"), raw.constData());
    }

    void badJoinBodiesGetFastApisValidationError()
    {
        const auto post = [this](const QByteArray &body) {
            return rawRequest(port, "POST /gradio_api/queue/join HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                                    "application/json\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
        };
        const auto detail = [](const RawResponse &r) {
            return QJsonDocument::fromJson(r.body).object().value(u"detail"_s).toArray().at(0).toObject();
        };
        const RawResponse notList = post("{\"data\":5,\"fn_index\":0,\"session_hash\":\"v\"}");
        QCOMPARE(notList.status, 422);
        QCOMPARE(detail(notList), (QJsonObject{{u"type"_s, u"list_type"_s},
                                               {u"loc"_s, QJsonArray{u"body"_s, u"data"_s}},
                                               {u"msg"_s, u"Input should be a valid list"_s},
                                               {u"input"_s, 5}}));
        const RawResponse broken = post("{\"data\":[");
        QCOMPARE(broken.status, 422);
        QCOMPARE(detail(broken).value(u"type"_s).toString(), u"json_invalid"_s);
        QCOMPARE(detail(broken).value(u"loc"_s).toArray().at(0).toString(), u"body"_s);
        const RawResponse notObject = post("[1]");
        QCOMPARE(notObject.status, 422);
        QCOMPARE(detail(notObject).value(u"type"_s).toString(), u"model_attributes_type"_s);
    }

    void anUnreadSessionIsDroppedWithItsResults()
    {
        QCOMPARE(join(u"forgotten"_s, u"x"_s).status, 200);
        QCOMPARE(join(u"forgotten"_s, u"x"_s).status, 200);
        QTest::qWait(1200); // unreadSessionTimeout is 400 ms
        RawClient c;
        QVERIFY(c.connectTo(port));
        c.send("GET /gradio_api/queue/data?session_hash=forgotten HTTP/1.1\r\nHost: localhost\r\n\r\n");
        const QByteArray stream = c.readUntil("\r\n0\r\n\r\n");
        QVERIFY2(stream.contains("\"session_not_found\":true"), stream.constData());
        // A session read in time is not.
        QCOMPARE(join(u"kept"_s, u"x"_s).status, 200);
        QCOMPARE(readStream(u"kept"_s), 1);
    }

private:
    std::unique_ptr<qradio::Server> server;
    quint16 port = 0;
};

QTEST_GUILESS_MAIN(tst_Queue)
#include "tst_queue.moc"
