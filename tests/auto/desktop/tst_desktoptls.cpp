// SPDX-License-Identifier: MIT
// The window over HTTPS: it trusts the app's own self-signed certificate (made by openssl at run
// time) on the app's own origin, and nothing else: another certificate, or none, is refused.
#include "testpage.h"
#include "urlpolicy.h"

#include <qradio/desktop.h>
#include <qradio/server.h>

#include <QApplication>
#include <QDir>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QWebEnginePage>

#include <memory>

using namespace Qt::StringLiterals;

namespace {

constexpr int kTimeout = 60000;

QVariant runJs(QWebEnginePage *page, const QString &script)
{
    struct State { bool done = false; QVariant value; };
    auto state = std::make_shared<State>();
    page->runJavaScript(script, [state](const QVariant &v) {
        state->value = v;
        state->done = true;
    });
    [[maybe_unused]] const bool answered = QTest::qWaitFor([&] { return state->done; }, kTimeout);
    return state->value;
}

} // namespace

class TestDesktopTls : public QObject
{
    Q_OBJECT
private:
    QString path(const QString &name) const { return m_dir.filePath(name); }
    bool makeCertificate(const QString &cert, const QString &key)
    {
        QProcess p;
        p.start(u"openssl"_s, {u"req"_s, u"-x509"_s, u"-newkey"_s, u"rsa:2048"_s, u"-nodes"_s, u"-days"_s, u"1"_s,
                                u"-subj"_s, u"/CN=localhost"_s, u"-addext"_s,
                                u"subjectAltName=DNS:localhost,IP:127.0.0.1"_s, u"-keyout"_s, path(key), u"-out"_s,
                                path(cert)});
        return p.waitForFinished(30000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    }
    //! Opens the calculator page with `trusted` as the server's certificate; whether it loaded.
    bool loads(const QSslCertificate &trusted, std::unique_ptr<qradio::DesktopWindow> *keep = nullptr)
    {
        qradio::DesktopOptions o;
        o.url = m_server->url().resolved(QUrl(u"/"_s));
        o.gradioClientUrl = m_server->url().resolved(QUrl(u"/gradio_api/client.js"_s));
        o.appId = u"tst_desktoptls"_s;
        o.serverCertificate = trusted;
        auto window = std::make_unique<qradio::DesktopWindow>(std::move(o));
        QSignalSpy loaded(window.get(), &qradio::DesktopWindow::firstLoadFinished);
        window->show();
        const bool ok = loaded.wait(kTimeout) && loaded.first().first().toBool();
        if (keep)
            *keep = std::move(window);
        return ok;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(makeCertificate(u"cert.pem"_s, u"key.pem"_s));
        QVERIFY(makeCertificate(u"other.pem"_s, u"otherkey.pem"_s));
        qradio::ServerOptions options;
        options.sslCertFile = path(u"cert.pem"_s);
        options.sslKeyFile = path(u"key.pem"_s);
        m_server = std::make_unique<qradio::Server>(options);
        m_server->api(u"add"_s, [](int a, int b) { return a + b; }).params({"a", "b"});
        m_server->get(u"/"_s, [] { return qradio::Html(calculatorPage(u"/gradio_api/client.js"_s)); });
        QVERIFY2(m_server->listen(QHostAddress::LocalHost, 0), qPrintable(m_server->errorString()));
        QCOMPARE(m_server->url().scheme(), u"https"_s);
    }
    void cleanupTestCase() { m_server.reset(); }

    void policy()
    {
        using qradio::detail::trustsOwnCertificate;
        const QSslCertificate own = QSslCertificate::fromPath(path(u"cert.pem"_s)).value(0);
        const QSslCertificate other = QSslCertificate::fromPath(path(u"other.pem"_s)).value(0);
        const QUrl app(u"https://127.0.0.1:8443/"_s);
        QVERIFY(trustsOwnCertificate(QUrl(u"https://127.0.0.1:8443/x?y"_s), {own, other}, app, own));
        QVERIFY(!trustsOwnCertificate(QUrl(u"https://127.0.0.1:8444/"_s), {own}, app, own)); // another port
        QVERIFY(!trustsOwnCertificate(QUrl(u"https://localhost:8443/"_s), {own}, app, own));  // another host
        QVERIFY(!trustsOwnCertificate(QUrl(u"https://127.0.0.1:8443/"_s), {other, own}, app, own));
        QVERIFY(!trustsOwnCertificate(QUrl(u"https://127.0.0.1:8443/"_s), {}, app, own));
        QVERIFY(!trustsOwnCertificate(QUrl(u"https://127.0.0.1:8443/"_s), {own}, app, QSslCertificate()));
    }

    // Each window has a profile of its own: a refusal or acceptance is not remembered across.
    void anotherCertificateIsRefused()
    {
        QVERIFY(!loads(QSslCertificate::fromPath(path(u"other.pem"_s)).value(0)));
    }
    void noCertificateIsRefused() { QVERIFY(!loads(QSslCertificate())); }

    void ownCertificateIsTrusted()
    {
        std::unique_ptr<qradio::DesktopWindow> window;
        QVERIFY(loads(m_server->certificate(), &window));
        QCOMPARE(window->page()->url().scheme(), u"https"_s);
        // The page's own requests (the client module, /config, a call) go over the same TLS.
        QVERIFY(QTest::qWaitFor([&] { return runJs(window->page(), u"window.qradioReady === true"_s).toBool(); },
                                kTimeout));
        runJs(window->page(), u"document.getElementById('a').value = '2'; document.getElementById('b').value = '3';"
                              u"document.getElementById('add').click()"_s);
        QTRY_COMPARE_WITH_TIMEOUT(runJs(window->page(), u"document.getElementById('result').textContent"_s).toString(),
                                  u"5"_s, kTimeout);
    }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<qradio::Server> m_server;
};

int main(int argc, char **argv)
{
    QTemporaryDir home; // settings and caches go to a scratch folder, not the user's
    for (const char *var : {"XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_RUNTIME_DIR"}) {
        const QString dir = home.filePath(QString::fromLatin1(var));
        QDir().mkpath(dir);
        QFile::setPermissions(dir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        qputenv(var, dir.toLocal8Bit());
    }
    QCoreApplication::setAttribute(Qt::AA_ShareOpenGLContexts);
    QApplication app(argc, argv);
    TestDesktopTls test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_desktoptls.moc"
