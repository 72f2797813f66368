// SPDX-License-Identifier: MIT
// The launcher's logs: `--access-log` writes one combined-format line per request to stderr
// (none without it), `--log-format json` turns every log line into a JSON object with the access
// fields, and stdout's URL lines stay as they are.

#include "childprocess.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>

using namespace Qt::StringLiterals;
using namespace launchtest;

namespace {

//! GET `path` on a fresh connection; the response's body ("" on failure).
QByteArray get(quint16 port, const QByteArray &path)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(kTimeout))
        return {};
    socket.write("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nUser-Agent: logs-test/1.0\r\nConnection: close\r\n\r\n");
    QByteArray all;
    while (socket.state() == QAbstractSocket::ConnectedState && socket.waitForReadyRead(kTimeout))
        all += socket.readAll();
    all += socket.readAll();
    return all.mid(all.indexOf("\r\n\r\n") + 4);
}

QStringList lines(const QString &text)
{
    return text.split(u'\n', Qt::SkipEmptyParts);
}

} // namespace

class TestLaunchLogs : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void jsonAccessLines()
    {
        ChildProcess app({u"--headless"_s, u"--port"_s, u"0"_s, u"--access-log"_s, u"--log-format"_s, u"json"_s},
                         headlessEnv());
        const quint16 port = app.waitForPort();
        QVERIFY2(port, qPrintable(app.err()));
        const QByteArray body = get(port, "/who?x=1");
        QVERIFY(!body.isEmpty());
        QVERIFY2(app.waitForLine(u"qradio\\.access"_s, true).hasMatch(), qPrintable(app.err()));
        QJsonObject access;
        for (const QString &line : lines(app.err())) {
            QJsonParseError error{};
            const QJsonDocument doc = QJsonDocument::fromJson(line.toUtf8(), &error);
            QVERIFY2(error.error == QJsonParseError::NoError && doc.isObject(), qPrintable(u"not JSON: "_s + line));
            const QJsonObject o = doc.object();
            for (const char *key : {"time", "level", "category", "message"})
                QVERIFY2(o.contains(QLatin1String(key)), qPrintable(line));
            if (o.value(u"category"_s).toString() == u"qradio.access")
                access = o;
        }
        QVERIFY(!access.isEmpty());
        QVERIFY2(QRegularExpression(u"^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$"_s)
                     .match(access.value(u"time"_s).toString()).hasMatch(), qPrintable(access.value(u"time"_s).toString()));
        QCOMPARE(access.value(u"level"_s).toString(), u"info"_s);
        QCOMPARE(access.value(u"remote_addr"_s).toString(), u"127.0.0.1"_s);
        QCOMPARE(access.value(u"method"_s).toString(), u"GET"_s);
        QCOMPARE(access.value(u"path"_s).toString(), u"/who?x=1"_s);
        QCOMPARE(access.value(u"status"_s).toInt(), 200);
        QCOMPARE(access.value(u"bytes_sent"_s).toInteger(), body.size());
        QVERIFY(access.value(u"duration_s"_s).isDouble());
        QCOMPARE(access.value(u"user_agent"_s).toString(), u"logs-test/1.0"_s);
        QCOMPARE(access.value(u"route"_s).toString(), u"/who"_s);
        QVERIFY(access.value(u"message"_s).toString().contains(u"\"GET /who?x=1 HTTP/1.1\" 200 "_s));
        // stdout keeps its plain URL line (waitForPort() read it above) and holds no log lines.
        QVERIFY(!app.out().contains(u"qradio.access"_s));
        QVERIFY(!app.out().contains(u'{'));
    }

    //! Text mode is Qt's default output: the category, then the line (QT_MESSAGE_PATTERN changes it).
    void textAccessLine()
    {
        ChildProcess app({u"--headless"_s, u"--port"_s, u"0"_s, u"--access-log"_s}, headlessEnv());
        const quint16 port = app.waitForPort();
        QVERIFY(port);
        const QByteArray body = get(port, "/who");
        const auto m = app.waitForLine(
            u"^qradio\\.access: 127\\.0\\.0\\.1 - - \\[\\d{2}/\\w{3}/\\d{4}:\\d{2}:\\d{2}:\\d{2} [+-]\\d{4}\\] \"GET /who HTTP/1\\.1\" 200 (\\d+) \"-\" \"logs-test/1\\.0\" \\d+\\.\\d{3}$"_s,
            true);
        QVERIFY2(m.hasMatch(), qPrintable(app.err()));
        QCOMPARE(m.captured(1).toLongLong(), body.size());
    }

    void noAccessLogByDefault()
    {
        ChildProcess app({u"--headless"_s, u"--port"_s, u"0"_s}, headlessEnv());
        const quint16 port = app.waitForPort();
        QVERIFY(port);
        QVERIFY(!get(port, "/who").isEmpty());
        QTest::qWait(300);
        QVERIFY2(!app.err().contains(u"GET /who"_s), qPrintable(app.err()));
    }

    void unknownLogFormatIsAnError()
    {
        ChildProcess app({u"--headless"_s, u"--port"_s, u"0"_s, u"--log-format"_s, u"yaml"_s}, headlessEnv());
        QCOMPARE(app.waitForExit(), 1);
        QVERIFY2(app.err().contains(u"expected text or json"_s), qPrintable(app.err()));
    }
};

QTEST_GUILESS_MAIN(TestLaunchLogs)
#include "tst_launchlogs.moc"
