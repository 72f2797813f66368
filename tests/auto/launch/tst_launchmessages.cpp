// SPDX-License-Identifier: MIT
// What the launcher tells whoever started the app: a window it cannot show is a loud error that
// names every place the window module was looked for; a normal run prints only its URLs; Ctrl+Q
// in the window quits as cleanly as closing it.

#include "childprocess.h"
#include "frontendloader.h"

#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>

#include <memory>

using namespace Qt::StringLiterals;
using namespace launchtest;

namespace {

//! A file that exists but is no shared library: dlopen refuses it.
QString notALibrary(const QTemporaryDir &dir)
{
    const QString path = dir.filePath(u"qradio_desktop_frontend.so"_s);
    QFile f(path);
    if (f.open(QIODevice::WriteOnly))
        f.write("this is not an ELF file\n");
    return path;
}

QByteArray fetch(quint16 port, const QString &path, const QByteArray &postBody = {})
{
    QNetworkAccessManager nam;
    QNetworkRequest request(QUrl(u"http://127.0.0.1:%1%2"_s.arg(port).arg(path)));
    std::unique_ptr<QNetworkReply> reply;
    if (postBody.isNull()) {
        reply.reset(nam.get(request));
    } else {
        request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
        reply.reset(nam.post(request, postBody));
    }
    QSignalSpy done(reply.get(), &QNetworkReply::finished);
    if (!done.wait(kTimeout) || reply->error() != QNetworkReply::NoError)
        return {};
    return reply->readAll();
}

} // namespace

class TestLaunchMessages : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void loaderNamesEveryPathInOrder();
    void headlessRunPrintsOnlyItsUrls_data();
    void headlessRunPrintsOnlyItsUrls();
    void headlessNeverLooksForTheModule();
#ifndef QRADIO_NO_DESKTOP
    void missingModuleIsAnError();
    void moduleThatDoesNotLoadIsAnError();
    void windowRunPrintsOnlyItsUrl();
    void ctrlQQuitsLikeClosing();
#endif
};

void TestLaunchMessages::loaderNamesEveryPathInOrder()
{
    QTemporaryDir dir;
    const QString missing1 = dir.filePath(u"one/qradio_desktop_frontend.so"_s);
    const QString broken = notALibrary(dir);
    const QString missing2 = dir.filePath(u"two/qradio_desktop_frontend.so"_s);
    const qradio::detail::LoadedFrontend loaded = qradio::detail::loadFrontend({missing1, broken, missing2});
    QVERIFY(!loaded.frontend);
    QCOMPARE(loaded.tried.size(), 3);
    QCOMPARE(loaded.tried.at(0), missing1 + u": not found"_s);
    QVERIFY2(loaded.tried.at(1).startsWith(broken + u": "_s) && loaded.tried.at(1).size() > broken.size() + 2,
             qPrintable(loaded.tried.at(1)));
    QCOMPARE(loaded.tried.at(2), missing2 + u": not found"_s);

    qunsetenv("QRADIO_DESKTOP_MODULE");
    const QString message = qradio::detail::frontendFailureMessage(loaded);
    const qsizetype a = message.indexOf(missing1), b = message.indexOf(broken + u": "_s), c = message.indexOf(missing2);
    QVERIFY2(a >= 0 && b > a && c > b, qPrintable(message));
    QVERIFY2(message.contains(u"QRADIO_DESKTOP_MODULE=<path"_s), qPrintable(message));
    QVERIFY2(message.contains(u"--headless"_s), qPrintable(message));

    // Without the variable, the default places come from the build: the build tree among them.
    const QStringList defaults = qradio::detail::frontendCandidates();
    QVERIFY2(defaults.size() >= 3, qPrintable(defaults.join(u'\n')));
    qputenv("QRADIO_DESKTOP_MODULE", missing1.toLocal8Bit());
    QCOMPARE(qradio::detail::frontendCandidates(), QStringList{missing1});
    qunsetenv("QRADIO_DESKTOP_MODULE");
}

void TestLaunchMessages::headlessRunPrintsOnlyItsUrls_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QStringList>("extraLines");
    QTest::newRow("plain") << QStringList{u"--headless"_s} << QStringList{};
    QTest::newRow("mcp") << QStringList{u"--headless"_s, u"--mcp"_s}
                         << QStringList{u"MCP server (streamable HTTP): http://127.0.0.1:%1/gradio_api/mcp/"_s,
                                        u"MCP server (legacy SSE): http://127.0.0.1:%1/gradio_api/mcp/sse"_s};
}

void TestLaunchMessages::headlessRunPrintsOnlyItsUrls()
{
    QFETCH(QStringList, args);
    QFETCH(QStringList, extraLines);
    ChildProcess child(args + QStringList{u"--port"_s, u"0"_s}, headlessEnv());
    const quint16 port = child.waitForPort();
    QVERIFY2(port != 0, qPrintable(child.err()));
    // Work that would log if anything logged by default: pages, the API, a call, a refusal.
    QVERIFY(!fetch(port, u"/config"_s).isEmpty());
    const QByteArray joined = fetch(port, u"/gradio_api/call/add"_s, R"({"data":[2,3]})");
    const QString eventId = QJsonDocument::fromJson(joined).object().value(u"event_id"_s).toString();
    QVERIFY2(!eventId.isEmpty(), joined.constData());
    // The result read: nothing is in flight at the signal, so the drain has nothing to announce.
    QVERIFY(fetch(port, u"/gradio_api/call/add/"_s + eventId).contains("data: [5]"));
    QVERIFY(fetch(port, u"/gradio_api/file=/etc/passwd"_s).isEmpty());
    child.signal(SIGTERM);
    QCOMPARE(child.waitForExit(), 0);
    QStringList expected{u"Running on local URL: http://127.0.0.1:%1"_s.arg(port)};
    for (const QString &line : extraLines)
        expected << line.arg(port);
    QCOMPARE(child.out(), expected.join(u'\n') + u'\n');
    QCOMPARE(child.err(), QString());
}

void TestLaunchMessages::headlessNeverLooksForTheModule()
{
    QProcessEnvironment env = windowEnv();       // a display, but --headless
    env.insert(u"QRADIO_DESKTOP_MODULE"_s, u"/nonexistent/qradio_desktop_frontend.so"_s);
    ChildProcess child({u"--headless"_s, u"--port"_s, u"0"_s}, env);
    QVERIFY2(child.waitForPort() != 0, qPrintable(child.err()));
    child.signal(SIGTERM);
    QCOMPARE(child.waitForExit(), 0);
    QVERIFY2(!child.err().contains(u"QRADIO_DESKTOP_MODULE"_s), qPrintable(child.err()));
}

#ifndef QRADIO_NO_DESKTOP
void TestLaunchMessages::missingModuleIsAnError()
{
    QProcessEnvironment env = windowEnv();
    const QString missing = u"/nonexistent/elsewhere/qradio_desktop_frontend.so"_s;
    env.insert(u"QRADIO_DESKTOP_MODULE"_s, missing);
    ChildProcess child({u"--port"_s, u"0"_s}, env);
    QCOMPARE(child.waitForExit(), 1);
    const QString err = child.err();
    QVERIFY2(err.contains(u"Cannot show the window"_s), qPrintable(err));
    QVERIFY2(err.contains(missing + u": not found"_s), qPrintable(err));
    QVERIFY2(err.contains(u"QRADIO_DESKTOP_MODULE=<path"_s), qPrintable(err));
    QVERIFY2(!child.out().contains(u"Running on local URL"_s), qPrintable(child.out()));
}

void TestLaunchMessages::moduleThatDoesNotLoadIsAnError()
{
    QTemporaryDir dir;
    const QString broken = notALibrary(dir);
    QProcessEnvironment env = windowEnv();
    env.insert(u"QRADIO_DESKTOP_MODULE"_s, broken);
    ChildProcess child({u"--port"_s, u"0"_s}, env);
    QCOMPARE(child.waitForExit(), 1);
    // dlopen's own words follow the path (e.g. "invalid ELF header" or "file too short").
    const QRegularExpression line(u"^  "_s + QRegularExpression::escape(broken) + u": \\S.*$"_s,
                                  QRegularExpression::MultilineOption);
    QVERIFY2(line.match(child.err()).hasMatch(), qPrintable(child.err()));
    QVERIFY2(!child.err().contains(broken + u": not found"_s), qPrintable(child.err()));
}

void TestLaunchMessages::windowRunPrintsOnlyItsUrl()
{
    QProcessEnvironment env = windowEnv();
    env.insert(u"FIXTURE_CLOSE_AFTER_LOAD"_s, u"1"_s);
    ChildProcess child({u"--port"_s, u"0"_s}, env);
    const quint16 port = child.waitForPort();
    QVERIFY2(port != 0, qPrintable(child.err()));
    QCOMPARE(child.waitForExit(), 0);
    QStringList lines = child.out().split(u'\n', Qt::SkipEmptyParts);
    lines.removeIf([](const QString &l) { return l.startsWith(u"fixture: "_s); }); // the test's own
    QCOMPARE(lines, QStringList{u"Running on local URL: http://127.0.0.1:%1"_s.arg(port)});
    QVERIFY2(!child.err().contains(u"qradio"_s, Qt::CaseInsensitive), qPrintable(child.err()));
}

void TestLaunchMessages::ctrlQQuitsLikeClosing()
{
    QProcessEnvironment env = windowEnv();
    env.insert(u"FIXTURE_QUIT_KEY_AFTER_LOAD"_s, u"1"_s);
    ChildProcess child({u"--port"_s, u"0"_s}, env);
    const quint16 port = child.waitForPort();
    QVERIFY2(port != 0, qPrintable(child.err()));
    QCOMPARE(child.waitForExit(), 0);
    QVERIFY2(child.out().contains(u"fixture: pressing Ctrl+Q"_s), qPrintable(child.out()));
    QVERIFY(portIsFree(port));
}
#endif

QTEST_GUILESS_MAIN(TestLaunchMessages)
#include "tst_launchmessages.moc"
