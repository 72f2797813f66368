// SPDX-License-Identifier: MIT
// The desktop window around a real qradio::Server: the calculator page in a QWebEngineView,
// outside clients on the same port, the navigation policy, offline @gradio/client, downloads,
// the file dialog, permissions, DevTools, remembered geometry, the error page and the quit path.

#include "calculator.h"
#include "testpage.h"
#include "urlpolicy.h"

#include <qradio/desktop.h>
#include <qradio/server.h>

#include <QApplication>
#include <QDir>
#include <QFileDialog>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QLoggingCategory>
#include <QJsonObject>
#include <QMutex>
#include <QRegularExpression>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QSettings>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QWebEngineProfile>
#include <QWebEngineUrlRequestInterceptor>
#include <QWebEngineView>

#include <memory>

using namespace Qt::StringLiterals;

namespace {

constexpr int kTimeout = 20000;

//! Every URL the page loads, as Chromium asks for it after the profile's interceptor (a redirected
//! CDN import shows up as its local target).
class RequestRecorder : public QWebEngineUrlRequestInterceptor
{
public:
    void interceptRequest(QWebEngineUrlRequestInfo &info) override
    {
        QMutexLocker lock(&m_mutex);
        m_urls.append(info.requestUrl());
    }
    QList<QUrl> urls() const
    {
        QMutexLocker lock(&m_mutex);
        return m_urls;
    }

private:
    mutable QMutex m_mutex;
    QList<QUrl> m_urls;
};

//! runJavaScript() is asynchronous; this waits for its answer.
QVariant runJs(QWebEnginePage *page, const QString &script)
{
    struct State { bool done = false; QVariant value; };
    auto state = std::make_shared<State>();
    page->runJavaScript(script, [state](const QVariant &v) {
        state->value = v;
        state->done = true;
    });
    if (!QTest::qWaitFor([&] { return state->done; }, kTimeout))
        qWarning() << "no answer from" << script;
    return state->value;
}

//! A rendered page has dark text on it; a page not yet composited is uniform.
bool showsText(const QImage &image)
{
    int dark = 0;
    for (int y = 0; y < image.height(); y += 3) {
        for (int x = 0; x < image.width(); x += 3)
            dark += qGray(image.pixel(x, y)) < 96;
    }
    return dark > 40;
}

} // namespace

class TestDesktop : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void cdnUrlsAreRecognised_data();
    void cdnUrlsAreRecognised();
    void devOriginCountsAsTheApp();
    void windowShowsCalculator();
    void buttonsCallTheApi();
    void calculatorExampleWorksInTheWindow();
    void outsideClientWhileWindowIsOpen();
    void otherOriginsOpenOutside();
    void sameOriginPopupStaysInApp();
    void permissionsAreDenied();
    void downloadAsksWhereToSave();
    void fileInputOpensFileDialog();
    void devToolsOnlyWhenEnabled();
    void ctrlQClosesTheWindow();
    void cdnImportIsServedLocally();
    void screenshot();
    void geometryIsRemembered();
    void errorPageWhenServerIsDown();
    void closingWindowAndStoppingFreesPort();

private:
    qradio::DesktopOptions options(const QString &path) const;
    std::unique_ptr<qradio::DesktopWindow> openWindow(const QString &path, qradio::DesktopOptions o = {});
    qradio::DesktopWindow *calculatorWindow();
    QStringList serverPaths() const;
    void clickButtonAndExpect(const QString &id, const QString &expected);

    std::unique_ptr<qradio::Server> m_server;
    QUrl m_base;
    mutable QMutex m_mutex;
    QStringList m_paths;
    QList<QUrl> m_external;
    std::unique_ptr<qradio::DesktopWindow> m_window;
    RequestRecorder m_recorder;
    QTemporaryDir m_downloads;
};

void TestDesktop::initTestCase()
{
    m_server = std::make_unique<qradio::Server>(qradio::ServerOptions{.title = u"Qradio test"_s});
    m_server->api(u"add"_s, [](int a, int b) { return a + b; }).params({"a", "b"}).description(u"Add two numbers together."_s);
    m_server->api(u"multiply"_s, [](int a, int b) { return a * b; }).params({"a", "b"}).description(u"Multiply two numbers together."_s);
    m_server->get(u"/"_s, [] { return qradio::Html(calculatorPage(u"/gradio_api/client.js"_s)); });
    m_server->get(u"/cdn"_s, [] {
        return qradio::Html(calculatorPage(u"https://cdn.jsdelivr.net/npm/@gradio/client/dist/index.min.js"_s));
    });
    m_server->get(u"/download/report.txt"_s, [] {
        qradio::Response r(200, "quarterly numbers\n", "text/plain");
        r.setHeader("Content-Disposition", "attachment; filename=\"report.txt\"");
        return r;
    });
    m_server->beforeRequest([this](const qradio::Request &request) -> std::optional<qradio::Response> {
        QMutexLocker lock(&m_mutex);
        m_paths.append(request.path);
        return std::nullopt;
    });
    QVERIFY2(m_server->listen(QHostAddress::LocalHost, 0), qPrintable(m_server->errorString()));
    m_base = m_server->url();
    QVERIFY(m_downloads.isValid());
}

void TestDesktop::cleanupTestCase()
{
    m_window.reset();
    m_server.reset();
}

qradio::DesktopOptions TestDesktop::options(const QString &path) const
{
    qradio::DesktopOptions o;
    o.url = m_base.resolved(QUrl(path));
    o.gradioClientUrl = m_base.resolved(QUrl(u"/gradio_api/client.js"_s));
    o.fallbackTitle = u"Qradio test"_s;
    o.appId = u"tst_desktop"_s;
    o.defaultSize = QSize(720, 520);
    return o;
}

std::unique_ptr<qradio::DesktopWindow> TestDesktop::openWindow(const QString &path, qradio::DesktopOptions o)
{
    const qradio::DesktopOptions defaults = options(path);
    if (o.url.isEmpty()) {
        o.url = defaults.url;
        o.gradioClientUrl = defaults.gradioClientUrl;
        o.fallbackTitle = defaults.fallbackTitle;
        o.defaultSize = defaults.defaultSize;
    }
    o.openExternal = [this](const QUrl &url) {
        m_external.append(url);
        return true;
    };
    o.chooseSavePath = [this](const QString &suggested) {
        return m_downloads.filePath(QFileInfo(suggested).fileName());
    };
    auto window = std::make_unique<qradio::DesktopWindow>(std::move(o));
    window->page()->setUrlRequestInterceptor(&m_recorder);
    QSignalSpy loaded(window.get(), &qradio::DesktopWindow::firstLoadFinished);
    window->show();
    if (!loaded.wait(kTimeout) || !loaded.first().first().toBool())
        qWarning() << "page did not load";
    return window;
}

qradio::DesktopWindow *TestDesktop::calculatorWindow()
{
    if (!m_window) {
        m_window = openWindow(u"/"_s);
        if (!QTest::qWaitFor([&] { return runJs(m_window->page(), u"window.qradioReady === true"_s).toBool(); }, kTimeout))
            qWarning() << "the page never connected to the server";
    }
    return m_window.get();
}

QStringList TestDesktop::serverPaths() const
{
    QMutexLocker lock(&m_mutex);
    return m_paths;
}

void TestDesktop::clickButtonAndExpect(const QString &id, const QString &expected)
{
    QWebEnginePage *page = calculatorWindow()->page();
    runJs(page, u"document.getElementById('result').textContent = ''; document.getElementById('%1').click()"_s.arg(id));
    QTRY_COMPARE_WITH_TIMEOUT(runJs(page, u"document.getElementById('result').textContent"_s).toString(), expected, kTimeout);
    QCOMPARE(runJs(page, u"document.getElementById('error').textContent"_s).toString(), QString());
}

void TestDesktop::cdnUrlsAreRecognised_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<bool>("cdn");
    QTest::newRow("guide") << u"https://cdn.jsdelivr.net/npm/@gradio/client/dist/index.min.js"_s << true;
    QTest::newRow("versioned") << u"https://cdn.jsdelivr.net/npm/@gradio/client@1.14.1/dist/index.min.js"_s << true;
    QTest::newRow("major") << u"https://cdn.jsdelivr.net/npm/@gradio/client@1/dist/index.js"_s << true;
    QTest::newRow("esm") << u"https://cdn.jsdelivr.net/npm/@gradio/client@1/+esm"_s << true;
    QTest::newRow("unpkg") << u"https://unpkg.com/@gradio/client@1.5.0/dist/index.min.js"_s << true;
    QTest::newRow("esm.sh") << u"https://esm.sh/@gradio/client@1.5.0"_s << true;
    QTest::newRow("other package") << u"https://cdn.jsdelivr.net/npm/@gradio/lite/dist/lite.js"_s << false;
    QTest::newRow("other file") << u"https://cdn.jsdelivr.net/npm/@gradio/client/package.json"_s << false;
    QTest::newRow("lookalike host") << u"https://cdn.jsdelivr.net.evil.example/npm/@gradio/client/dist/index.min.js"_s << false;
}

void TestDesktop::cdnUrlsAreRecognised()
{
    QFETCH(QString, url);
    QFETCH(bool, cdn);
    QCOMPARE(qradio::detail::isGradioClientCdnUrl(QUrl(url)), cdn);
}

void TestDesktop::devOriginCountsAsTheApp()
{
    const QUrl app(u"http://127.0.0.1:7860/"_s);
    const QUrl dev(u"http://localhost:5173/"_s);
    QVERIFY(qradio::detail::isAppOrigin(QUrl(u"http://127.0.0.1:7860/x?y"_s), app, {}));
    QVERIFY(!qradio::detail::isAppOrigin(QUrl(u"http://localhost:5173/src/main.tsx"_s), app, {}));
    QVERIFY(qradio::detail::isAppOrigin(QUrl(u"http://localhost:5173/src/main.tsx"_s), app, dev));
    QVERIFY(qradio::detail::isAppOrigin(QUrl(u"blob:http://localhost:5173/1234"_s), app, dev));
    QVERIFY(qradio::detail::isAppOrigin(QUrl(u"http://127.0.0.1:7860/gradio_api/info"_s), app, dev));
    QVERIFY(!qradio::detail::isAppOrigin(QUrl(u"http://localhost:5174/"_s), app, dev));
    QVERIFY(!qradio::detail::isAppOrigin(QUrl(u"https://localhost:5173/"_s), app, dev));
}

void TestDesktop::windowShowsCalculator()
{
    qradio::DesktopWindow *w = calculatorWindow();
    QVERIFY(w->isLoaded());
    QCOMPARE(w->windowTitle(), u"Calculator"_s);
    QCOMPARE(w->page()->url(), m_base.resolved(QUrl(u"/"_s)));
    QVERIFY(!w->windowIcon().isNull());
    QVERIFY(w->view()->isVisible());     // the loading state has given way to the page
}

void TestDesktop::calculatorExampleWorksInTheWindow()
{
    // The shipped example itself: its endpoints, its page (which imports the bundled client).
    qradio::Server calculator;
    registerCalculator(calculator);
    QVERIFY(calculator.listen(QHostAddress::LocalHost, 0));
    qradio::DesktopOptions o = options(u"/"_s);
    o.url = calculator.url().resolved(QUrl(u"/"_s));
    o.gradioClientUrl = calculator.url().resolved(QUrl(u"/gradio_api/client.js"_s));
    o.appId = u"tst_desktop_calculator"_s;
    auto window = std::make_unique<qradio::DesktopWindow>(std::move(o)); // not openWindow(): other
    QSignalSpy loaded(window.get(), &qradio::DesktopWindow::firstLoadFinished); // tests read its recorder
    window->show();
    QVERIFY(loaded.wait(kTimeout));
    QWebEnginePage *page = window->page();
    QTRY_COMPARE_WITH_TIMEOUT(runJs(page, u"document.title"_s).toString(), u"Calculator"_s, kTimeout);
    QTRY_VERIFY_WITH_TIMEOUT(runJs(page, u"document.body.dataset.ready === 'true'"_s).toBool(), kTimeout);
    const auto click = [&](const QString &id, const QString &expected) {
        runJs(page, u"document.getElementById('result').textContent = ''; document.getElementById('%1').click()"_s.arg(id));
        QTRY_COMPARE_WITH_TIMEOUT(runJs(page, u"document.getElementById('result').textContent"_s).toString(), expected, kTimeout);
    };
    runJs(page, u"document.getElementById('a').value = 3; document.getElementById('b').value = 5"_s);
    click(u"add"_s, u"8"_s);
    click(u"multiply"_s, u"15"_s);
    window.reset();
    calculator.stop();
}

void TestDesktop::buttonsCallTheApi()
{
    QWebEnginePage *page = calculatorWindow()->page();
    runJs(page, u"document.getElementById('a').value = 3; document.getElementById('b').value = 5"_s);
    clickButtonAndExpect(u"add"_s, u"8"_s);
    clickButtonAndExpect(u"multiply"_s, u"15"_s);
    runJs(page, u"document.getElementById('a').value = -7; document.getElementById('b').value = 6"_s);
    clickButtonAndExpect(u"multiply"_s, u"-42"_s);
}

void TestDesktop::outsideClientWhileWindowIsOpen()
{
    calculatorWindow();
    QNetworkAccessManager nam;
    QNetworkRequest post(m_base.resolved(QUrl(u"/gradio_api/call/add"_s)));
    post.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    std::unique_ptr<QNetworkReply> joined(nam.post(post, R"({"data": [20, 22]})"));
    QSignalSpy joinedDone(joined.get(), &QNetworkReply::finished);
    QVERIFY(joinedDone.wait(kTimeout));
    QCOMPARE(joined->error(), QNetworkReply::NoError);
    const QString eventId = QJsonDocument::fromJson(joined->readAll()).object().value(u"event_id"_s).toString();
    QVERIFY(!eventId.isEmpty());

    std::unique_ptr<QNetworkReply> stream(nam.get(QNetworkRequest(m_base.resolved(QUrl(u"/gradio_api/call/add/"_s + eventId)))));
    QSignalSpy streamDone(stream.get(), &QNetworkReply::finished);
    QVERIFY(streamDone.wait(kTimeout));
    const QByteArray events = stream->readAll();
    QVERIFY2(events.contains("event: complete"), events.constData());
    QVERIFY2(events.contains("data: [42]"), events.constData());

    // The window keeps working beside the outside client.
    clickButtonAndExpect(u"add"_s, u"-1"_s);
}

void TestDesktop::otherOriginsOpenOutside()
{
    QWebEnginePage *page = calculatorWindow()->page();
    const QUrl home = page->url();
    m_external.clear();

    runJs(page, u"document.getElementById('external').click()"_s);
    QTRY_COMPARE_WITH_TIMEOUT(m_external, QList<QUrl>{QUrl(u"https://example.com/docs"_s)}, kTimeout);

    runJs(page, u"document.getElementById('blank').click()"_s);
    QTRY_COMPARE_WITH_TIMEOUT(m_external.size(), 2, kTimeout);
    QCOMPARE(m_external.last(), QUrl(u"https://example.org/new"_s));

    runJs(page, u"window.open('https://example.net/popup')"_s);
    QTRY_COMPARE_WITH_TIMEOUT(m_external.size(), 3, kTimeout);
    QCOMPARE(m_external.last(), QUrl(u"https://example.net/popup"_s));

    runJs(page, u"location.href = 'http://example.com:8080/moved'"_s);
    QTRY_COMPARE_WITH_TIMEOUT(m_external.size(), 4, kTimeout);
    QCOMPARE(m_external.last(), QUrl(u"http://example.com:8080/moved"_s));

    // Nothing of it was loaded in the window, and no other window appeared.
    QCOMPARE(page->url(), home);
    QVERIFY(runJs(page, u"window.qradioReady === true"_s).toBool());
    QCOMPARE(calculatorWindow()->findChildren<QWebEngineView *>().size(), 1);
    for (const QUrl &url : m_recorder.urls())
        QVERIFY2(url.host() != u"example.com"_s && url.host() != u"example.org"_s && url.host() != u"example.net"_s,
                 qPrintable(url.toString()));
}

void TestDesktop::sameOriginPopupStaysInApp()
{
    qradio::DesktopWindow *w = calculatorWindow();
    m_external.clear();
    runJs(w->page(), u"window.open('/?popup=1', 'help', 'width=400,height=300')"_s);
    QTRY_COMPARE_WITH_TIMEOUT(w->findChildren<QWebEngineView *>().size(), 2, kTimeout);
    QWebEngineView *popup = nullptr;
    for (QWebEngineView *v : w->findChildren<QWebEngineView *>())
        popup = v != w->view() ? v : popup;
    QVERIFY(popup && popup->isWindow());
    QTRY_COMPARE_WITH_TIMEOUT(popup->page()->url(), m_base.resolved(QUrl(u"/?popup=1"_s)), kTimeout);
    QTRY_COMPARE_WITH_TIMEOUT(popup->windowTitle(), u"Calculator"_s, kTimeout);
    QVERIFY(m_external.isEmpty());
    QPointer<QWebEngineView> guard(popup);
    popup->close();
    QTRY_VERIFY(!guard);     // deleted on close, page first
}

void TestDesktop::permissionsAreDenied()
{
    QWebEnginePage *page = calculatorWindow()->page();
    runJs(page, uR"(
        window.perm = {};
        navigator.geolocation.getCurrentPosition(() => perm.geo = 'granted', e => perm.geo = 'denied ' + e.code);
        Notification.requestPermission().then(p => perm.notify = p);
        navigator.mediaDevices.getUserMedia({ audio: true }).then(() => perm.mic = 'granted', e => perm.mic = e.name);
        navigator.mediaDevices.getUserMedia({ video: true }).then(() => perm.cam = 'granted', e => perm.cam = e.name);
    )"_s);
    QTRY_COMPARE_WITH_TIMEOUT(runJs(page, u"perm.geo"_s).toString(), u"denied 1"_s, kTimeout);
    QTRY_COMPARE_WITH_TIMEOUT(runJs(page, u"perm.notify"_s).toString(), u"denied"_s, kTimeout);
    // Chromium's fake capture devices are on (see main()), so these reach the permission request.
    QTRY_COMPARE_WITH_TIMEOUT(runJs(page, u"perm.mic"_s).toString(), u"NotAllowedError"_s, kTimeout);
    QTRY_COMPARE_WITH_TIMEOUT(runJs(page, u"perm.cam"_s).toString(), u"NotAllowedError"_s, kTimeout);
}

void TestDesktop::downloadAsksWhereToSave()
{
    QWebEnginePage *page = calculatorWindow()->page();
    const QString target = m_downloads.filePath(u"report.txt"_s);
    runJs(page, u"document.getElementById('download').click()"_s);
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(target).size() > 0, kTimeout);
    QFile saved(target);
    QVERIFY(saved.open(QIODevice::ReadOnly));
    QCOMPARE(saved.readAll(), QByteArray("quarterly numbers\n"));
    QCOMPARE(page->url(), m_base.resolved(QUrl(u"/"_s)));
}

void TestDesktop::fileInputOpensFileDialog()
{
    qradio::DesktopWindow *w = calculatorWindow();
    QFile upload(m_downloads.filePath(u"numbers.csv"_s));
    QVERIFY(upload.open(QIODevice::WriteOnly));
    upload.write("3,5\n");
    upload.close();

    // Chromium opens a file chooser only on a real user gesture: click the element itself.
    runJs(w->page(), u"document.getElementById('file').scrollIntoView()"_s);
    const QVariantList rect = runJs(w->page(), uR"((() => { const r = document.getElementById('file').getBoundingClientRect();
                                                     return [r.x + 10, r.y + r.height / 2]; })())"_s).toList();
    QCOMPARE(rect.size(), 2);
    bool seen = false;      // getOpenFileName() deletes its dialog: remember it was there
    int ticks = 0;
    QTimer answer;     // the dialog runs its own event loop: answer it from inside that loop
    connect(&answer, &QTimer::timeout, this, [&] {
        for (QWidget *top : QApplication::topLevelWidgets()) {
            auto *dialog = qobject_cast<QFileDialog *>(top);
            if (!dialog || !dialog->isVisible())
                continue;
            seen = true;
            // Type the path, as a user would (selectFile() leaves a focused name field alone).
            if (auto *name = dialog->findChild<QLineEdit *>(u"fileNameEdit"_s)) {
                name->setText(upload.fileName());
                static_cast<QDialog *>(dialog)->accept();
            } else if (++ticks > kTimeout / 50) {
                static_cast<QDialog *>(dialog)->reject();   // fail the test rather than hang in exec()
            }
            break;
        }
    });
    answer.start(50);
    QWidget *input = w->view()->focusProxy();
    QVERIFY(input);
    QTest::mouseClick(input, Qt::LeftButton, {}, QPoint(rect[0].toInt(), rect[1].toInt()));
    QTRY_COMPARE_WITH_TIMEOUT(runJs(w->page(), u"document.getElementById('file').files.length"_s).toInt(), 1, kTimeout);
    QVERIFY(seen);
    QCOMPARE(runJs(w->page(), u"document.getElementById('file').files[0].name"_s).toString(), u"numbers.csv"_s);
}

void TestDesktop::devToolsOnlyWhenEnabled()
{
    qradio::DesktopWindow *plain = calculatorWindow();
    plain->page()->triggerAction(QWebEnginePage::InspectElement);
    plain->openDevTools();
    QVERIFY(!plain->page()->devToolsPage());

    qradio::DesktopOptions o = options(u"/"_s);
    o.devTools = true;
    o.appId = u"tst_desktop_devtools"_s;
    auto withTools = openWindow(u"/"_s, o);
    QVERIFY(QTest::qWaitForWindowExposed(withTools.get()));
    withTools->activateWindow();
    // Offscreen (how CTest runs this function) every window can take focus.
    QVERIFY2(QTest::qWaitForWindowActive(withTools.get()), "the window must take focus for its F12 shortcut");
    QTest::keyClick(withTools.get(), Qt::Key_F12);
    QVERIFY(withTools->page()->devToolsPage());
}

void TestDesktop::ctrlQClosesTheWindow()
{
    qradio::DesktopOptions o = options(u"/"_s);
    o.appId = u"tst_desktop_quit"_s;
    auto w = openWindow(u"/"_s, o);
    QVERIFY(QTest::qWaitForWindowExposed(w.get()));
    w->activateWindow();
    QVERIFY2(QTest::qWaitForWindowActive(w.get()), "the window must take focus for its Ctrl+Q shortcut");
    QSignalSpy closed(w.get(), &qradio::DesktopWindow::closed);
    // Where a user presses it: in the page (the focused web view), not on the frame.
    QWidget *target = QApplication::focusWidget() ? QApplication::focusWidget() : w.get();
    QTest::keyClick(target, Qt::Key_Q, Qt::ControlModifier);
    QTRY_COMPARE_WITH_TIMEOUT(closed.size(), 1, kTimeout);
    QVERIFY(!w->isVisible());
}

void TestDesktop::cdnImportIsServedLocally()
{
    // The test runs with every host name but 127.0.0.1 unresolvable (see main()): the page only
    // works if the CDN import is answered by the app's own server.
    const qsizetype before = serverPaths().count(u"/gradio_api/client.js"_s);
    QLoggingCategory::setFilterRules(u"qradio.desktop.requests.debug=true"_s); // off by default
    QTest::ignoreMessage(QtDebugMsg, QRegularExpression(
        uR"(serving "https://cdn\.jsdelivr\.net/npm/@gradio/client/dist/index\.min\.js" from "http://127\.0\.0\.1:\d+/gradio_api/client\.js")"_s));
    auto w = openWindow(u"/cdn"_s);
    QTRY_VERIFY_WITH_TIMEOUT(runJs(w->page(), u"window.qradioReady === true"_s).toBool(), kTimeout);
    QVERIFY(serverPaths().count(u"/gradio_api/client.js"_s) > before);
    runJs(w->page(), u"document.getElementById('b').value = 4; document.getElementById('multiply').click()"_s);
    QTRY_COMPARE_WITH_TIMEOUT(runJs(w->page(), u"document.getElementById('result').textContent"_s).toString(), u"12"_s, kTimeout);

    // What reached the page's own interceptor (after the profile's redirect) is all local.
    for (const QUrl &url : m_recorder.urls())
        QVERIFY2(url.host() == m_base.host() && url.port() == m_base.port(), qPrintable(u"outbound request: "_s + url.toString()));
}

void TestDesktop::screenshot()
{
    qradio::DesktopWindow *w = calculatorWindow();
    QWebEnginePage *page = w->page();
    runJs(page, u"document.getElementById('a').value = 6; document.getElementById('b').value = 7"_s);
    clickButtonAndExpect(u"multiply"_s, u"42"_s);
    QVERIFY(QTest::qWaitForWindowExposed(w));
    // Compositing is asynchronous: wait until the grab shows the rendered page, not a blank one.
    QImage shot;
    QTRY_VERIFY_WITH_TIMEOUT((shot = w->grab().toImage(), showsText(shot)), kTimeout);
    const QString dir = QStringLiteral(QRADIO_SCREENSHOT_DIR);
    QVERIFY(QDir().mkpath(dir));
    const QString file = dir + u"/calculator-"_s + QGuiApplication::platformName() + u".png"_s;
    QVERIFY(shot.save(file));
    qInfo() << "screenshot saved to" << file;
}

void TestDesktop::geometryIsRemembered()
{
    qradio::DesktopOptions o = options(u"/"_s);
    o.appId = u"tst_desktop_geometry"_s;
    QSettings(u"qradio"_s, o.appId).clear();
    {
        auto w = openWindow(u"/"_s, o);
        w->resize(640, 480);
        QVERIFY(w->close());
    }
    auto again = openWindow(u"/"_s, o);
    QCOMPARE(again->size(), QSize(640, 480));
}

void TestDesktop::errorPageWhenServerIsDown()
{
    quint16 closedPort = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        closedPort = probe.serverPort();
    }
    qradio::DesktopOptions o = options(u"/"_s);
    o.url = QUrl(u"http://127.0.0.1:%1/"_s.arg(closedPort));
    o.appId = u"tst_desktop_error"_s;
    auto w = std::make_unique<qradio::DesktopWindow>(o);
    QSignalSpy loaded(w.get(), &qradio::DesktopWindow::firstLoadFinished);
    w->show();
    QVERIFY(loaded.wait(kTimeout));
    QCOMPARE(loaded.first().first().toBool(), false);
    auto *status = w->findChild<QWidget *>(u"qradio-status"_s);
    QVERIFY(status && status->isVisible());
    QVERIFY(!w->view()->isVisible());
    const QStringList texts = [&] {
        QStringList t;
        for (auto *label : status->findChildren<QLabel *>())
            t << label->text();
        return t;
    }();
    QVERIFY2(texts.join(u' ').contains(u"did not load"_s), qPrintable(texts.join(u' ')));

    w->showError(u"Calculator could not start"_s, u"Port 7860 is already in use."_s);
    QVERIFY(status->isVisible());
}

void TestDesktop::closingWindowAndStoppingFreesPort()
{
    qradio::DesktopWindow *w = calculatorWindow();
    QSignalSpy closed(w, &qradio::DesktopWindow::closed);
    QVERIFY(w->close());
    QCOMPARE(closed.size(), 1);
    m_window.reset();

    const quint16 port = m_server->port();
    m_server->stop();
    QTcpServer again;
    QVERIFY2(again.listen(QHostAddress::LocalHost, port), qPrintable(again.errorString()));
}

int main(int argc, char **argv)
{
    // Settings and caches go to a scratch folder, not the user's.
    QTemporaryDir home;
    for (const char *var : {"XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_RUNTIME_DIR"}) {
        const QString dir = home.filePath(QString::fromLatin1(var));
        QDir().mkpath(dir);
        QFile::setPermissions(dir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        qputenv(var, dir.toLocal8Bit());
    }
    // The network is unreachable from the page: every host name but the loopback fails to resolve.
    std::vector<char *> appArgs(argv, argv + argc);
    char engineArgs[] = "--webEngineArgs";
    char resolver[] = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1";
    char fakeDevices[] = "--use-fake-device-for-media-stream";
    appArgs.push_back(engineArgs);
    appArgs.push_back(resolver);
    appArgs.push_back(fakeDevices);
    int appArgc = int(appArgs.size());
    appArgs.push_back(nullptr);

    QCoreApplication::setAttribute(Qt::AA_ShareOpenGLContexts);
    QApplication app(appArgc, appArgs.data());
    TestDesktop test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_desktop.moc"
