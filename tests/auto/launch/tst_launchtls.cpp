// SPDX-License-Identifier: MIT
// The launcher with TLS: --ssl-certfile, --ssl-keyfile, --ssl-keyfile-password (and its
// environment variable), the https URL it prints and serves, exit code 2 with the reason for a
// certificate or key it cannot use, and the window trusting the app's own self-signed certificate.
#include "binding.h"
#include "commandline.h"

#include <qradio/app.h>

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSslConfiguration>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <memory>

using namespace Qt::StringLiterals;

namespace {

constexpr int kTimeout = 30000;

QProcessEnvironment childEnv(bool window)
{
    static QTemporaryDir home;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char *var : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "GRADIO_SERVER_PORT", "GRADIO_SERVER_NAME",
                            "QRADIO_SSL_KEYFILE_PASSWORD"})
        env.remove(QString::fromLatin1(var));
    for (const char *var : {"XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"})
        env.insert(QString::fromLatin1(var), home.filePath(QString::fromLatin1(var)));
    if (window) {
        env.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
        env.insert(u"QTWEBENGINE_DISABLE_SANDBOX"_s, u"1"_s);
        env.insert(u"FIXTURE_CLOSE_AFTER_LOAD"_s, u"1"_s);
    }
    return env;
}

//! Runs launch_fixture until `line` (a pattern) shows on stdout or it exits.
struct Child
{
    Child(const QStringList &args, const QProcessEnvironment &env)
    {
        process.setProcessEnvironment(env);
        process.start(QStringLiteral(LAUNCH_FIXTURE), args);
    }
    ~Child()
    {
        if (process.state() != QProcess::NotRunning) {
            process.kill();
            process.waitForFinished(5000);
        }
    }
    QRegularExpressionMatch waitForLine(const QString &pattern)
    {
        const QRegularExpression re(pattern, QRegularExpression::MultilineOption);
        [[maybe_unused]] const bool seen = QTest::qWaitFor([&] {
            collect();
            return re.match(out).hasMatch() || process.state() == QProcess::NotRunning;
        }, kTimeout);
        collect();
        return re.match(out);
    }
    int waitForExit()
    {
        if (!process.waitForFinished(kTimeout) || process.exitStatus() != QProcess::NormalExit)
            return -1;
        collect();
        return process.exitCode();
    }
    void collect()
    {
        out += QString::fromLocal8Bit(process.readAllStandardOutput());
        err += QString::fromLocal8Bit(process.readAllStandardError());
    }
    QProcess process;
    QString out;
    QString err;
};

} // namespace

class TestLaunchTls : public QObject
{
    Q_OBJECT
private:
    QString path(const QString &name) const { return dir.filePath(name); }
    bool openssl(const QStringList &arguments)
    {
        QProcess p;
        p.start(u"openssl"_s, arguments);
        return p.waitForFinished(30000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    }
    QByteArray httpsGet(quint16 port, const QString &route)
    {
        QNetworkAccessManager nam;
        QNetworkRequest request(QUrl(u"https://127.0.0.1:%1%2"_s.arg(port).arg(route)));
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates(QSslCertificate::fromPath(path(u"cert.pem"_s))); // trust only it
        request.setSslConfiguration(tls);
        std::unique_ptr<QNetworkReply> reply(nam.get(request));
        QSignalSpy done(reply.get(), &QNetworkReply::finished);
        if (!done.wait(kTimeout) || reply->error() != QNetworkReply::NoError)
            return {};
        return reply->readAll();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(dir.isValid());
        for (const auto &[cert, key] : {std::pair{u"cert.pem"_s, u"key.pem"_s}, std::pair{u"other.pem"_s, u"otherkey.pem"_s}})
            QVERIFY(openssl({u"req"_s, u"-x509"_s, u"-newkey"_s, u"rsa:2048"_s, u"-nodes"_s, u"-days"_s, u"1"_s,
                             u"-subj"_s, u"/CN=localhost"_s, u"-addext"_s, u"subjectAltName=DNS:localhost,IP:127.0.0.1"_s,
                             u"-keyout"_s, path(key), u"-out"_s, path(cert)}));
        QVERIFY(openssl({u"pkey"_s, u"-in"_s, path(u"key.pem"_s), u"-aes256"_s, u"-passout"_s, u"pass:s3cret"_s,
                         u"-out"_s, path(u"encrypted.pem"_s)}));
    }

    void parsesTheOptions()
    {
        qunsetenv("QRADIO_SSL_KEYFILE_PASSWORD");
        auto r = qradio::detail::parseCommandLine({u"app"_s, u"--ssl-certfile"_s, u"c.pem"_s, u"--ssl-keyfile=k.pem"_s,
                                                   u"--ssl-keyfile-password"_s, u"pw"_s}, {}, u"App"_s);
        QCOMPARE(r.action, qradio::detail::ParseResult::Run);
        QCOMPARE(r.config.sslCertFile, u"c.pem"_s);
        QCOMPARE(r.config.sslKeyFile, u"k.pem"_s);
        QCOMPARE(r.config.sslKeyPassword, std::optional<QString>(u"pw"_s));
        qputenv("QRADIO_SSL_KEYFILE_PASSWORD", "from-env");
        r = qradio::detail::parseCommandLine({u"app"_s, u"--ssl-keyfile"_s, u"k.pem"_s}, {}, u"App"_s);
        qunsetenv("QRADIO_SSL_KEYFILE_PASSWORD");
        QCOMPARE(r.config.sslKeyPassword, std::optional<QString>(u"from-env"_s));
        r = qradio::detail::parseCommandLine({u"app"_s}, {}, u"App"_s);
        QVERIFY(r.config.sslCertFile.isEmpty() && r.config.sslKeyFile.isEmpty() && !r.config.sslKeyPassword);
        QVERIFY(r.output.isEmpty());
        r = qradio::detail::parseCommandLine({u"app"_s, u"--help"_s}, {}, u"App"_s);
        QVERIFY(r.output.contains(u"--ssl-certfile"_s) && r.output.contains(u"--ssl-keyfile-password"_s));
    }

    void printsHttpsUrls()
    {
        QCOMPARE(qradio::detail::printableUrl(u"::"_s, 443, true), u"https://[::]:443"_s);
        QCOMPARE(qradio::detail::localUrl(QHostAddress(u"0.0.0.0"_s), u"0.0.0.0"_s, 7860, true),
                 QUrl(u"https://127.0.0.1:7860/"_s));
    }

    void servesHttps_data()
    {
        QTest::addColumn<QStringList>("keyArgs");
        QTest::addColumn<QString>("envPassword");
        QTest::newRow("plain key") << QStringList{u"--ssl-keyfile"_s, path(u"key.pem"_s)} << QString();
        QTest::newRow("encrypted key, password option")
            << QStringList{u"--ssl-keyfile"_s, path(u"encrypted.pem"_s), u"--ssl-keyfile-password"_s, u"s3cret"_s} << QString();
        QTest::newRow("encrypted key, password in the environment")
            << QStringList{u"--ssl-keyfile"_s, path(u"encrypted.pem"_s)} << u"s3cret"_s;
    }
    void servesHttps()
    {
        QFETCH(QStringList, keyArgs);
        QFETCH(QString, envPassword);
        QProcessEnvironment env = childEnv(false);
        if (!envPassword.isEmpty())
            env.insert(u"QRADIO_SSL_KEYFILE_PASSWORD"_s, envPassword);
        Child child(QStringList{u"--headless"_s, u"--port"_s, u"0"_s, u"--ssl-certfile"_s, path(u"cert.pem"_s)} + keyArgs, env);
        const auto m = child.waitForLine(uR"(^Running on local URL: https://127\.0\.0\.1:(\d+)$)"_s);
        QVERIFY2(m.hasMatch(), qPrintable(child.out + child.err));
        QVERIFY(httpsGet(quint16(m.captured(1).toUInt()), u"/gradio_api/info"_s).contains("named_endpoints"));
        ::kill(pid_t(child.process.processId()), SIGTERM);
        QCOMPARE(child.waitForExit(), 0);
    }

    void unusableCertificateExitsWith2_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("expected");
        const QString cert = path(u"cert.pem"_s);
        QTest::newRow("key of another certificate")
            << QStringList{u"--ssl-certfile"_s, cert, u"--ssl-keyfile"_s, path(u"otherkey.pem"_s)}
            << u"does not belong to the certificate"_s;
        QTest::newRow("missing certificate")
            << QStringList{u"--ssl-certfile"_s, path(u"nope.pem"_s), u"--ssl-keyfile"_s, path(u"key.pem"_s)}
            << path(u"nope.pem"_s) + u" does not exist"_s;
        QTest::newRow("wrong password")
            << QStringList{u"--ssl-certfile"_s, cert, u"--ssl-keyfile"_s, path(u"encrypted.pem"_s),
                           u"--ssl-keyfile-password"_s, u"wrong"_s}
            << u"wrong password"_s;
        QTest::newRow("certificate without key") << QStringList{u"--ssl-certfile"_s, cert} << u"--ssl-keyfile"_s;
    }
    void unusableCertificateExitsWith2()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, expected);
        Child child(QStringList{u"--headless"_s, u"--port"_s, u"0"_s} + args, childEnv(false));
        QCOMPARE(child.waitForExit(), 2);
        QVERIFY2(child.err.contains(expected), qPrintable(child.err));
        QVERIFY(!child.out.contains(u"Running on"_s));
    }

#ifndef QRADIO_NO_DESKTOP // a build without the window has no window to test
    void windowTrustsItsOwnCertificate()
    {
        // A self-signed certificate: the window loads the page only because it is the one the
        // server presents, on the server's own origin.
        Child child({u"--port"_s, u"0"_s, u"--ssl-certfile"_s, path(u"cert.pem"_s), u"--ssl-keyfile"_s, path(u"key.pem"_s)},
                    childEnv(true));
        QVERIFY2(child.waitForLine(uR"(^Running on local URL: https://)"_s).hasMatch(), qPrintable(child.err));
        QCOMPARE(child.waitForExit(), 0);
        QVERIFY2(child.out.contains(u"fixture: closing the window (load ok=1)"_s), qPrintable(child.out + child.err));
    }
#endif

private:
    QTemporaryDir dir;
};

QTEST_GUILESS_MAIN(TestLaunchTls)
#include "tst_launchtls.moc"
