// SPDX-License-Identifier: MIT
// A small app built on qradio::launch() for tst_launch to run as a child process. Environment
// knobs (test-only): FIXTURE_DEFAULT_PORT, FIXTURE_APP_ID, FIXTURE_SINGLE_INSTANCE,
// FIXTURE_STDIO_HOOK, FIXTURE_CLOSE_AFTER_LOAD, FIXTURE_CLOSE_ON_ERROR, FIXTURE_QUIT_KEY_AFTER_LOAD
// (presses Ctrl+Q in the loaded page), FIXTURE_PAGE (the page the window opens; /who needs a
// login and prints who asked for it).

#include <qradio/app.h>
#include <qradio/server.h>

#include <QJsonObject>
#ifdef FIXTURE_HAS_WIDGETS
#include <QApplication>
#include <QLabel>
#include <QPointer>
#include <QTest>
#include <QTimer>
#include <QWidget>
#endif

#include <cstdio>

using namespace Qt::StringLiterals;

#ifdef FIXTURE_HAS_WIDGETS
namespace {

//! Closes the window the way a user would: once its page has loaded (FIXTURE_CLOSE_AFTER_LOAD),
//! or once it shows why the app could not start (FIXTURE_CLOSE_ON_ERROR).
class WindowCloser : public QObject
{
    Q_OBJECT
public:
    explicit WindowCloser(QObject *parent) : QObject(parent)
    {
        connect(&m_poll, &QTimer::timeout, this, &WindowCloser::poll);
        m_poll.start(20);
    }

public Q_SLOTS:
    void loaded(bool ok)
    {
        std::printf("fixture: closing the window (load ok=%d)\n", int(ok));
        std::fflush(stdout);
        if (m_window)
            m_window->close();
    }

    //! Ctrl+Q where a user presses it: in the page, once the window has the focus.
    void pressQuitKey()
    {
        if (!m_window)
            return;
        m_window->activateWindow();
        if (!QTest::qWaitForWindowActive(m_window))
            std::printf("fixture: the window did not become active\n");
        QWidget *target = QApplication::focusWidget() ? QApplication::focusWidget() : m_window.data();
        std::printf("fixture: pressing Ctrl+Q\n");
        std::fflush(stdout);
        QTest::keyClick(target, Qt::Key_Q, Qt::ControlModifier);
    }

private:
    void poll()
    {
        if (!m_window) {
            for (QWidget *w : QApplication::topLevelWidgets()) {
                if (w->objectName() == u"qradio-window"_s) {
                    m_window = w;
                    if (qEnvironmentVariableIsSet("FIXTURE_CLOSE_AFTER_LOAD")) {
                        m_poll.stop();
                        connect(w, SIGNAL(firstLoadFinished(bool)), this, SLOT(loaded(bool)));
                    } else if (qEnvironmentVariableIsSet("FIXTURE_QUIT_KEY_AFTER_LOAD")) {
                        m_poll.stop();
                        connect(w, SIGNAL(firstLoadFinished(bool)), this, SLOT(pressQuitKey()));
                    }
                }
            }
            return;
        }
        auto *status = m_window->findChild<QWidget *>(u"qradio-status"_s);
        if (!m_window->isVisible() || !status || !status->isVisible())
            return;
        QStringList texts;
        for (QLabel *label : status->findChildren<QLabel *>())
            texts << label->text();
        if (!texts.join(u' ').contains(u"could not start"_s))
            return;
        m_poll.stop();
        std::printf("fixture: closing the error window: %s\n", qPrintable(texts.join(u" / "_s)));
        std::fflush(stdout);
        m_window->close();
    }
    QTimer m_poll;
    QPointer<QWidget> m_window;
};

void installWindowCloser()
{
    if ((qEnvironmentVariableIsSet("FIXTURE_CLOSE_AFTER_LOAD") || qEnvironmentVariableIsSet("FIXTURE_CLOSE_ON_ERROR")
         || qEnvironmentVariableIsSet("FIXTURE_QUIT_KEY_AFTER_LOAD"))
        && qobject_cast<QApplication *>(QCoreApplication::instance()))
        new WindowCloser(QCoreApplication::instance());
}
Q_COREAPP_STARTUP_FUNCTION(installWindowCloser)

} // namespace
#endif

int main(int argc, char **argv)
{
    qradio::Server server({.title = u"Fixture"_s});
    server.api(u"add"_s, [](int a, int b) { return a + b; }).params({"a", "b"});
    server.get(u"/"_s, [] {
        return qradio::Html(u"<!doctype html><html><head><meta charset=utf-8><title>Fixture</title></head>"
                            "<body><h1>Fixture</h1></body></html>"_s);
    });
    server.get(u"/who"_s, [](const qradio::Request &r) {
        std::printf("fixture: page for %s\n", qPrintable(r.username));
        std::fflush(stdout);
        return qradio::Html(u"<!doctype html><title>Who</title><p>"_s + r.username.toHtmlEscaped());
    }).requireLogin();
    server.get(u"/mcp-enabled"_s, [&server] { return QJsonObject{{u"mcp"_s, server.options().mcpServer}}; });

    qradio::LaunchOptions options;
    options.version = u"9.8.7"_s;
    options.appId = qEnvironmentVariableIsSet("FIXTURE_APP_ID") ? qEnvironmentVariable("FIXTURE_APP_ID")
                                                                : u"qradio-launch-fixture"_s;
    options.page = qEnvironmentVariable("FIXTURE_PAGE");
    options.singleInstance = qEnvironmentVariableIsSet("FIXTURE_SINGLE_INSTANCE");
    if (qEnvironmentVariableIsSet("FIXTURE_DEFAULT_PORT"))
        options.port = quint16(qEnvironmentVariableIntValue("FIXTURE_DEFAULT_PORT"));
    if (qEnvironmentVariableIsSet("FIXTURE_STDIO_HOOK")) {
        options.mcpStdio = [](qradio::Server &s) {
            std::printf("stdio-hook-started port=%d\n", int(s.port()));
            std::fflush(stdout);
            return true;
        };
    }
    return qradio::launch(server, argc, argv, options);
}

#ifdef FIXTURE_HAS_WIDGETS
#include "launch_fixture.moc"
#endif
