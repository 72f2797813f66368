// SPDX-License-Identifier: MIT
// The frames a job's events become (queue/frames.h), byte for byte, for queue/data and /call.
#include "queue/frames.h"
#include "queue/json.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

using namespace qradio::queue;
using namespace Qt::StringLiterals;

class tst_Frames : public QObject
{
    Q_OBJECT
private:
    static Job job(Job::Format format)
    {
        Job j;
        j.eventId = u"e1"_s;
        j.format = format;
        return j;
    }
    //! The JSON object of a queue/data frame.
    static QJsonObject payload(const Frame &f)
    {
        if (!f.bytes.startsWith("data: ") || !f.bytes.endsWith("\n\n"))
            return {{u"malformed"_s, QString::fromUtf8(f.bytes)}};
        return QJsonDocument::fromJson(f.bytes.mid(6, f.bytes.size() - 8)).object();
    }

private slots:
    void queueFramesCarryGradiosFields()
    {
        Job j = job(Job::Format::Queue);
        JobEvent estimation{JobEvent::Estimation};
        estimation.rank = 2;
        estimation.queueSize = 3;
        const QJsonObject e = payload(frameFor(j, estimation));
        QCOMPARE(e, (QJsonObject{{u"msg"_s, u"estimation"_s}, {u"event_id"_s, u"e1"_s}, {u"rank"_s, 2}, {u"queue_size"_s, 3},
                                 {u"rank_eta"_s, QJsonValue()}}));
        const Frame started = frameFor(j, JobEvent{JobEvent::Started});
        QCOMPARE(payload(started).value(u"msg"_s).toString(), u"process_starts"_s);
        QVERIFY(started.completesEvent.isEmpty());
    }

    void generatedValuesAreFullThenEdits()
    {
        Job j = job(Job::Format::Queue);
        JobEvent first{JobEvent::Generated};
        first.outputs = QJsonArray{QJsonValue(QJsonArray{1, 2})}; // one output, a list
        const QJsonObject a = payload(frameFor(j, first));
        QCOMPARE(a.value(u"msg"_s).toString(), u"process_generating"_s);
        QCOMPARE(a.value(u"output"_s)[u"data"_s].toArray(), (QJsonArray{QJsonValue(QJsonArray{1, 2})}));
        QCOMPARE(a.value(u"output"_s)[u"is_generating"_s].toBool(), true);
        JobEvent second{JobEvent::Generated};
        second.outputs = QJsonArray{QJsonValue(QJsonArray{1, 2, 3})};
        const QJsonArray edits = payload(frameFor(j, second)).value(u"output"_s)[u"data"_s].toArray();
        QCOMPARE(QJsonDocument(edits).toJson(QJsonDocument::Compact), QByteArray(R"([[["add",[2],3]]])"));
    }

    void terminalFramesCompleteTheEvent()
    {
        Job j = job(Job::Format::Queue);
        JobEvent done{JobEvent::Completed};
        done.outputs = {42};
        const Frame completed = frameFor(j, done);
        QCOMPARE(completed.completesEvent, u"e1"_s);
        const QJsonObject c = payload(completed);
        QCOMPARE(c.value(u"msg"_s).toString(), u"process_completed"_s);
        QCOMPARE(c.value(u"success"_s).toBool(), true);
        QCOMPARE(c.value(u"output"_s)[u"data"_s].toArray(), (QJsonArray{42}));

        JobEvent failed{JobEvent::Failed};
        failed.error.message = u"no"_s;
        failed.error.userError = true;
        const QJsonObject f = payload(frameFor(j, failed));
        QCOMPARE(f.value(u"success"_s).toBool(), false);
        QCOMPARE(f.value(u"output"_s).toObject(), (QJsonObject{{u"error"_s, u"no"_s}, {u"duration"_s, 10}, {u"visible"_s, true},
                                                                {u"title"_s, u"Error"_s}}));
        QCOMPARE(frameFor(j, JobEvent{JobEvent::Cancelled}).completesEvent, u"e1"_s);
    }

    void callFramesAreNamedEvents()
    {
        Job j = job(Job::Format::Call);
        QVERIFY(frameFor(j, JobEvent{JobEvent::Estimation}).bytes.isEmpty()); // /call shows no estimations
        JobEvent generated{JobEvent::Generated};
        generated.outputs = {u"a"_s};
        QCOMPARE(frameFor(j, generated).bytes, QByteArray("event: generating\ndata: [\"a\"]\n\n"));
        JobEvent done{JobEvent::Completed};
        done.outputs = {1.5};
        QCOMPARE(frameFor(j, done).bytes, QByteArray("event: complete\ndata: [1.5]\n\n"));
        JobEvent failed{JobEvent::Failed};
        failed.error.message = u"bad"_s;
        failed.error.userError = true;
        QCOMPARE(frameFor(j, failed).bytes,
                 QByteArray("event: error\ndata: {\"error\": \"bad\", \"duration\": 10, \"visible\": true, \"title\": \"Error\"}\n\n"));
    }

    void framesOfNoEvent()
    {
        QCOMPARE(frames::closeStream(), QByteArray("data: {\"msg\":\"close_stream\",\"event_id\":null}\n\n"));
        QCOMPARE(frames::heartbeat(false), QByteArray("event: heartbeat\ndata: null\n\n"));
        QVERIFY(frames::sessionNotFound().contains("\"session_not_found\":true"));
        QVERIFY(frames::serverStopped(true).contains("Server stopped unexpectedly."));
    }

    //! json::compact writes values itself: byte for byte what QJsonDocument writes.
    void compactMatchesQJsonDocument()
    {
        const QByteArray doc = QByteArrayLiteral(
            "[0, -0.0, 1, -1, 3.0, 0.1, -2.5, 1e15, 1e20, 9007199254740991, 9007199254740993, -9007199254740992,"
            " 123456789012345678901234567890, 1.7976931348623157e308, 5e-324, 1e-7, 0.30000000000000004,"
            " true, false, null, \"\", \"plain text\", \"quote \\\" and \\\\ slash\", \"tab\\t nl\\n\","
            " \"\\u0001\\u001f\", \"caf\u00e9 \u65e5\u672c \\ud83d\\ude00\", \"/slash\", \"\\u007f del\","
            " [], {}, [[\"replace\", [], 42]], {\"b\": 1, \"a\": [1, 2.5, \"x\"], \"k\\\"ey\": {\"n\": null}}]");
        QJsonParseError error;
        const QJsonArray values = QJsonDocument::fromJson(doc, &error).array();
        QCOMPARE(error.error, QJsonParseError::NoError);
        QVERIFY(values.size() > 30);
        for (const QJsonValue &v : values) {
            const QByteArray wrapped = QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact);
            QCOMPARE(qradio::json::compact(v), wrapped.mid(1, wrapped.size() - 2));
        }
        QCOMPARE(qradio::json::compact(values), QJsonDocument(values).toJson(QJsonDocument::Compact));
        // Values made in C++ rather than parsed (doubles that hold integers, infinities).
        for (const double d : {2.0, -0.0, 1e300, qInf(), -qInf(), qQNaN(), 4503599627370496.5, 1e16})
            QCOMPARE(qradio::json::compact(QJsonValue(d)),
                     QJsonDocument(QJsonArray{d}).toJson(QJsonDocument::Compact).chopped(1).mid(1));
    }
};

QTEST_GUILESS_MAIN(tst_Frames)
#include "tst_frames.moc"
