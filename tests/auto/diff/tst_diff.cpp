// SPDX-License-Identifier: MIT
// Gradio's streaming diff format: the edits we send must rebuild the new value when applied
// the way both clients apply them.
#include "../../../server/src/queue/diff.h"

#include <QJsonDocument>
#include <QtTest>

using namespace qradio::queue;

static QJsonValue parse(const char *json)
{
    return QJsonDocument::fromJson(QByteArray("[") + json + "]").array().at(0);
}

class tst_Diff : public QObject
{
    Q_OBJECT
private slots:
    void edits_data()
    {
        QTest::addColumn<QJsonValue>("from");
        QTest::addColumn<QJsonValue>("to");
        QTest::addColumn<QJsonValue>("edits");
        QTest::newRow("unchanged") << parse(R"("a")") << parse(R"("a")") << parse("[]");
        QTest::newRow("append") << parse(R"("Hello ")") << parse(R"("Hello big ")") << parse(R"([["append",[],"big "]])");
        QTest::newRow("replace string") << parse(R"("a")") << parse(R"("b")") << parse(R"([["replace",[],"b"]])");
        QTest::newRow("type change") << parse("1") << parse(R"("1")") << parse(R"([["replace",[],"1"]])");
        QTest::newRow("number") << parse("1") << parse("2") << parse(R"([["replace",[],2]])");
        QTest::newRow("grow array") << parse("[1]") << parse("[1,2,3]") << parse(R"([["add",[1],2],["add",[2],3]])");
        QTest::newRow("object") << parse(R"({"a":1,"b":"x"})") << parse(R"({"b":"xy","c":true})")
                                << parse(R"([["delete",["a"],null],["append",["b"],"y"],["add",["c"],true]])");
    }
    void edits()
    {
        QFETCH(QJsonValue, from);
        QFETCH(QJsonValue, to);
        QFETCH(QJsonValue, edits);
        QCOMPARE(QJsonValue(diff(from, to)), edits);
        QCOMPARE(applyDiff(from, diff(from, to)), to);
    }

    void roundTrips_data()
    {
        QTest::addColumn<QJsonValue>("from");
        QTest::addColumn<QJsonValue>("to");
        QTest::newRow("shrink") << parse("[1,2,3,4]") << parse("[1]");
        // Gradio sends wrong indices here ([[1,2,3]] -> [[1]] becomes [[3]]); we must not.
        QTest::newRow("nested shrink") << parse("[[1,2,3]]") << parse("[[1]]");
        QTest::newRow("nested shrink twice") << parse("[[1,2,3],[4,5,6],7]") << parse("[[1],[4]]");
        QTest::newRow("deep") << parse(R"({"a":[{"b":"x"},{"c":[1,2]}]})") << parse(R"({"a":[{"b":"xyz"},{"c":[1]}],"d":null})");
        QTest::newRow("array to object") << parse("[1]") << parse(R"({"a":1})");
    }
    void roundTrips()
    {
        QFETCH(QJsonValue, from);
        QFETCH(QJsonValue, to);
        QCOMPARE(applyDiff(from, diff(from, to)), to);
    }
};

QTEST_GUILESS_MAIN(tst_Diff)
#include "tst_diff.moc"
