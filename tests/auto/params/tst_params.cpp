// SPDX-License-Identifier: MIT
// Naming an endpoint's parameters: a count that differs from the function's is refused in every
// build type (a braced list already at compile time: see CMakeLists.txt), and endpoints that name
// none are reported once when the server starts.
#include <qradio/mcp.h>
#include <qradio/server.h>

#include <QRegularExpression>
#include <QtTest>

#include <stdexcept>

using namespace Qt::StringLiterals;

namespace {

//! The message of the std::invalid_argument `register` throws; empty when it throws none.
template<typename Register>
QString registrationError(Register &&registerIt)
{
    try {
        registerIt();
    } catch (const std::invalid_argument &e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

} // namespace

class tst_Params : public QObject
{
    Q_OBJECT
private slots:
    void runtimeListOfTheRightCount()
    {
        qradio::Server server;
        const QStringList names{u"a"_s, u"b"_s};
        auto builder = server.api(u"add"_s, [](qradio::Context &, int a, int b) { return a + b; }).params(names);
        QCOMPARE(builder.spec().params.size(), 2);
        QCOMPARE(builder.spec().params.at(1).name, u"b"_s);
        const QList<qradio::Param> described{{u"text"_s, u"What to echo"_s}};
        auto echo = server.api(u"echo"_s, [](const QString &t, qradio::Stream<QString> &out) { out(t); }).params(described);
        QCOMPARE(echo.spec().params.at(0).description, u"What to echo"_s);
    }

    void runtimeListOfAnotherCountThrows_data()
    {
        QTest::addColumn<QStringList>("names");
        QTest::addColumn<QString>("expected");
        QTest::newRow("too few") << QStringList{u"a"_s} << u"names 1 parameter but the function takes 2"_s;
        QTest::newRow("too many") << QStringList{u"a"_s, u"b"_s, u"c"_s} << u"names 3 parameters but the function takes 2"_s;
        QTest::newRow("none") << QStringList{} << u"names 0 parameters but the function takes 2"_s;
    }
    void runtimeListOfAnotherCountThrows()
    {
        QFETCH(QStringList, names);
        QFETCH(QString, expected);
        qradio::Server server;
        const QString error = registrationError([&] {
            server.api(u"add"_s, [](int a, int b) { return a + b; }).params(names);
        });
        QVERIFY2(error.contains(u"endpoint 'add'"_s), qPrintable(error));
        QVERIFY2(error.contains(expected), qPrintable(error));

        const QList<qradio::Param> params(names.cbegin(), names.cend());
        QVERIFY(!registrationError([&] {
            server.api(u"sum"_s, [](int a, int b) { return a + b; }).params(params);
        }).isEmpty());
    }

    void plainBuilderChecksToo()
    {
        // An EndpointBuilder (not the ApiBuilder api() returns) only knows the count at run time.
        qradio::Server server;
        qradio::EndpointBuilder plain = server.api(u"add"_s, [](int a, int b) { return a + b; });
        const QString error = registrationError([&] { plain.params({"a", "b", "c"}); });
        QVERIFY2(error.contains(u"names 3 parameters but the function takes 2"_s), qPrintable(error));
        plain.params({"a", "b"});
        QCOMPARE(plain.spec().params.size(), 2);
    }

    void mcpBuildersCheckTheCount()
    {
        qradio::Server server;
        QString error = registrationError([&] {
            server.mcp().tool(u"add"_s, [](int a, int b) { return a + b; }).params({"a"});
        });
        QVERIFY2(error.contains(u"names 1 parameter but the function takes 2"_s), qPrintable(error));
        error = registrationError([&] {
            server.mcp().prompt(u"greet"_s, [](const QString &who) { return who; }).params({"who", "extra"});
        });
        QVERIFY2(error.contains(u"names 2 parameters but the function takes 1"_s), qPrintable(error));
    }

    void unnamedParametersAreReportedOnceAtStart()
    {
        qradio::Server server;
        server.api(u"add"_s, [](int a, int b) { return a + b; });
        server.api(u"named"_s, [](int a) { return a; }).params({"a"});
        server.api(u"nothing"_s, [] { return 1; });
        QTest::failOnWarning(QRegularExpression(u"'named'|'nothing'"_s));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(
            u"^endpoint 'add' does not name its parameters: clients see param_0, param_1\\. "
            "Name them with \\.params\\(\\{\\.\\.\\.\\}\\)\\.$"_s));
        QVERIFY2(server.listen(QHostAddress::LocalHost, 0), qPrintable(server.errorString()));
        server.stop();
        QVERIFY2(server.listen(QHostAddress::LocalHost, 0), qPrintable(server.errorString())); // not again
        QCOMPARE(server.endpoints().at(0)->params.at(1).name, u"param_1"_s);
    }
};

QTEST_GUILESS_MAIN(tst_Params)
#include "tst_params.moc"
