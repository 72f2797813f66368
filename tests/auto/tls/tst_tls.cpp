// SPDX-License-Identifier: MIT
// HTTPS on the wire: a certificate made by openssl at run time (never committed), raw
// QSslSocket clients that trust it, and every way a client or a certificate can go wrong.
#include <qradio/server.h>

#include "rawhttp.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRandomGenerator>
#include <QSet>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include <atomic>
#include <memory>

using namespace std::chrono_literals;
using namespace Qt::StringLiterals;
using TlsClient = BasicRawClient<QSslSocket>;

static const QByteArray kBoundary = "----qradioTlsBoundary";

class tst_Tls : public QObject
{
    Q_OBJECT
private:
    QString path(const QString &name) const { return dir.filePath(name); }

    //! `openssl` with `arguments`; true when it succeeded.
    static bool openssl(const QStringList &arguments, QByteArray *output = nullptr, const QByteArray &input = {})
    {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(QStringLiteral("openssl"), arguments);
        if (!p.waitForStarted(10000))
            return false;
        p.write(input);
        p.closeWriteChannel();
        p.waitForFinished(30000);
        if (output)
            *output = p.readAll();
        return p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    }
    bool makeCertificate(const QString &cert, const QString &key, const QString &name)
    {
        return openssl({u"req"_s, u"-x509"_s, u"-newkey"_s, u"rsa:2048"_s, u"-nodes"_s, u"-days"_s, u"1"_s, u"-subj"_s, u"/CN="_s + name,
                        u"-addext"_s, u"subjectAltName=DNS:localhost,IP:127.0.0.1"_s, u"-keyout"_s, path(key), u"-out"_s,
                        path(cert)});
    }

    //! A client configuration that trusts only the generated certificate.
    QSslConfiguration trusting() const
    {
        QSslConfiguration c = QSslConfiguration::defaultConfiguration();
        c.setCaCertificates(QSslCertificate::fromPath(path(QStringLiteral("cert.pem"))));
        c.setPeerVerifyMode(QSslSocket::VerifyPeer);
        return c;
    }
    bool connectTls(TlsClient &c, quint16 p, const QSslConfiguration &configuration)
    {
        c.socket.setSslConfiguration(configuration);
        c.socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), p);
        return c.socket.waitForEncrypted(10000);
    }
    bool connectTls(TlsClient &c) { return connectTls(c, port, trusting()); }
    std::unique_ptr<qradio::Server> tlsServer(qradio::ServerOptions options)
    {
        options.sslCertFile = path(QStringLiteral("cert.pem"));
        options.sslKeyFile = path(QStringLiteral("key.pem"));
        auto s = std::make_unique<qradio::Server>(options);
        s->get(QStringLiteral("/sleep/<ms>"), [this](const qradio::Request &r) {
            ++sleepsStarted;
            QThread::msleep(r.param(QStringLiteral("ms")).toULong());
            return qradio::Response::text(QStringLiteral("slept"));
        });
        if (!s->listen(QHostAddress::LocalHost, 0))
            return {};
        return s;
    }
    //! listen() with these files fails on TLS; returns the message.
    QString listenError(const QString &cert, const QString &key, const QString &password = {})
    {
        qradio::ServerOptions options;
        options.sslCertFile = cert;
        options.sslKeyFile = key;
        options.sslKeyPassword = password;
        options.fileDir = dir.filePath(QStringLiteral("files"));
        qradio::Server s(options);
        if (s.listen(QHostAddress::LocalHost, 0))
            return QStringLiteral("listened");
        if (s.listenError() != qradio::Server::ListenError::Tls)
            return QStringLiteral("not a TLS error: ") + s.errorString();
        return s.errorString();
    }

private slots:
    void initTestCase()
    {
        QVERIFY(dir.isValid());
        QVERIFY2(QSslSocket::supportsSsl(), "Qt has no TLS backend");
        QVERIFY(makeCertificate(QStringLiteral("cert.pem"), QStringLiteral("key.pem"), QStringLiteral("localhost")));
        QVERIFY(makeCertificate(QStringLiteral("other.pem"), QStringLiteral("otherkey.pem"), QStringLiteral("other")));
        QVERIFY(openssl({u"pkey"_s, u"-in"_s, path(u"key.pem"_s), u"-aes256"_s, u"-passout"_s, u"pass:s3cret"_s, u"-out"_s, path(u"encrypted.pem"_s)}));
        qradio::ServerOptions options;
        options.networkThreads = 3;
        options.headTimeout = 800ms;
        options.heartbeatInterval = 100ms;
        options.fileDir = dir.filePath(QStringLiteral("files"));
        server = tlsServer(options);
        QVERIFY(server);
        port = server->port();
    }
    void cleanupTestCase() { server.reset(); }

    void urlAndCertificate()
    {
        QCOMPARE(server->url().scheme(), QStringLiteral("https"));
        QCOMPARE(server->certificate(), QSslCertificate::fromPath(path(QStringLiteral("cert.pem"))).value(0));
        qradio::Server plain;
        QVERIFY(plain.listen(QHostAddress::LocalHost, 0));
        QCOMPARE(plain.url().scheme(), QStringLiteral("http"));
        QVERIFY(plain.certificate().isNull());
    }

    void keepAliveOnSeveralThreads()
    {
        // Routes are registered before listen(): the /thread route above exists only on the
        // server made here.
        qradio::ServerOptions options;
        options.networkThreads = 2;
        options.fileDir = dir.filePath(QStringLiteral("files2"));
        options.sslCertFile = path(QStringLiteral("cert.pem"));
        options.sslKeyFile = path(QStringLiteral("key.pem"));
        qradio::Server two(options);
        two.get(QStringLiteral("/thread"), [] { return qradio::Response::text(QThread::currentThread()->objectName()); })
            .nonBlocking();
        QVERIFY(two.listen(QHostAddress::LocalHost, 0));
        QSet<QByteArray> seen;
        std::vector<std::unique_ptr<TlsClient>> held; // held open, so the next connection is a new one
        for (int i = 0; i < 200 && seen.size() < 2; ++i) {
            auto c = std::make_unique<TlsClient>();
            QVERIFY2(connectTls(*c, two.port(), trusting()), qPrintable(c->socket.errorString()));
            QCOMPARE(c->socket.sessionProtocol() >= QSsl::TlsV1_2, true);
            for (int round = 0; round < 2; ++round) { // keep-alive: the same connection again
                c->send("GET /thread HTTP/1.1\r\nHost: localhost\r\n\r\n");
                const RawResponse r = c->readResponse();
                QCOMPARE(r.status, 200);
                QVERIFY2(r.body.startsWith("qradio-net-"), r.body.constData());
                seen.insert(r.body);
            }
            held.push_back(std::move(c));
        }
        QCOMPARE(seen.size(), 2);
    }

    void pipelinedAndAfterAPause()
    {
        TlsClient c;
        QVERIFY(connectTls(c));
        c.send("GET /gradio_api/info HTTP/1.1\r\nHost: localhost\r\n\r\nGET /nothing HTTP/1.1\r\nHost: localhost\r\n\r\n");
        QCOMPARE(c.readResponse().status, 200);
        QCOMPARE(c.readResponse().status, 404);
        QTest::qWait(300); // a kept-alive connection, used again later
        c.send("GET /gradio_api/info HTTP/1.1\r\nHost: localhost\r\n\r\n");
        QCOMPARE(c.readResponse().status, 200);
    }

    void connectionCloseAndRefusalsArriveBeforeTheClose()
    {
        TlsClient c;
        QVERIFY(connectTls(c));
        c.send("GET /gradio_api/info HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        QCOMPARE(c.readResponse().status, 200);
        QVERIFY(c.waitForClose());
        TlsClient bad; // a framing refusal is written, then the connection closed
        QVERIFY(connectTls(bad));
        bad.send("GET / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n");
        QCOMPARE(bad.readResponse().status, 400);
        QVERIFY(bad.waitForClose());
    }

    void streamedResponse()
    {
        TlsClient c;
        QVERIFY(connectTls(c));
        c.send("GET /gradio_api/heartbeat/abc HTTP/1.1\r\nHost: localhost\r\n\r\n");
        const QByteArray head = c.readUntil("\r\n\r\n");
        QVERIFY2(head.startsWith("HTTP/1.1 200"), head.constData());
        QVERIFY(head.contains("text/event-stream"));
        // Frames keep coming one at a time through the encryption (none written around it).
        QVERIFY(c.readUntil("ALIVE").contains("ALIVE"));
        const qsizetype first = c.buffer.count("ALIVE");
        QTRY_VERIFY(c.readUntil("ALIVE", 200).count("ALIVE") > first + 1);
    }

    void uploadArrivesIntact()
    {
        QByteArray content(3 * 1024 * 1024 + 17, Qt::Uninitialized);
        QRandomGenerator rng(7);
        for (char &b : content)
            b = char(rng.bounded(256));
        content.insert(1000, "\r\n--" + kBoundary + "x\r\n"); // looks like a boundary, is not one
        const QByteArray body = "--" + kBoundary
            + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"blob.bin\"\r\n"
              "Content-Type: application/octet-stream\r\n\r\n"
            + content + "\r\n--" + kBoundary + "--\r\n";
        TlsClient c;
        QVERIFY(connectTls(c));
        c.send("POST /gradio_api/upload HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; boundary="
               + kBoundary + "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n");
        for (qsizetype at = 0; at < body.size(); at += 256 * 1024) // in pieces, as a network would
            c.send(body.mid(at, 256 * 1024));
        const RawResponse r = c.readResponse(20000);
        QCOMPARE(r.status, 200);
        const QJsonArray paths = QJsonDocument::fromJson(r.body).array();
        QCOMPARE(paths.size(), 1);
        QFile f(paths[0].toString());
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.size(), content.size());
        QVERIFY(f.readAll() == content);
        // The connection carries on.
        c.send("GET /gradio_api/info HTTP/1.1\r\nHost: localhost\r\n\r\n");
        QCOMPARE(c.readResponse().status, 200);
    }

    void plainHttpIsClosed()
    {
        RawClient c;
        QVERIFY(c.connectTo(port));
        c.send("GET /gradio_api/info HTTP/1.1\r\nHost: localhost\r\n\r\n");
        QVERIFY(c.waitForClose(5000));
        QVERIFY2(!c.buffer.contains("HTTP/1.1"), c.buffer.constData());
    }

    void silentClientIsCutAfterTheHandshakeDeadline()
    {
        RawClient silent; // connects, never says hello
        QVERIFY(silent.connectTo(port));
        QElapsedTimer t;
        t.start();
        QVERIFY(silent.waitForClose(10000));
        QVERIFY(silent.buffer.isEmpty());
        // A client that started its handshake but never finished it: the same deadline.
        RawClient half;
        QVERIFY(half.connectTo(port));
        half.send(QByteArray::fromHex("160301")); // the start of a TLS record, then nothing
        QVERIFY(half.waitForClose(10000));
    }

    void tls11OnlyClientIsRefused()
    {
        QT_WARNING_PUSH
        QT_WARNING_DISABLE_DEPRECATED
        QSslConfiguration old = trusting();
        old.setProtocol(QSsl::TlsV1_1);
        QT_WARNING_POP
        TlsClient c;
        QVERIFY(!connectTls(c, port, old));
        // Qt's client may refuse TLS 1.1 by itself (OpenSSL 3's security level): so offer it
        // with openssl at level 0, where only the server can refuse it. TLS 1.2 as a control.
        const QString target = QStringLiteral("127.0.0.1:%1").arg(port);
        QByteArray out;
        QVERIFY2(openssl({u"s_client"_s, u"-connect"_s, target, u"-tls1_2"_s, u"-cipher"_s, u"DEFAULT:@SECLEVEL=0"_s}, &out, "Q\n"),
                 out.constData());
        QVERIFY2(!openssl({u"s_client"_s, u"-connect"_s, target, u"-tls1_1"_s, u"-cipher"_s, u"DEFAULT:@SECLEVEL=0"_s}, &out, "Q\n"),
                 out.constData());
        QVERIFY2(out.contains("alert protocol version") || out.contains("wrong version") || out.contains("unsupported protocol"),
                 out.constData());
    }

    void handshakingClientCountsAsIdleAtTheCap()
    {
        qradio::ServerOptions options;
        options.maxConnections = 2;
        options.networkThreads = 1;
        options.headTimeout = 30s; // the cap, not the deadline, must close it
        options.fileDir = dir.filePath(QStringLiteral("files3"));
        auto capped = tlsServer(options);
        QVERIFY(capped);
        RawClient silent;
        QVERIFY(silent.connectTo(capped->port()));
        TlsClient busy;
        QVERIFY(connectTls(busy, capped->port(), trusting()));
        sleepsStarted = 0;
        busy.send("GET /sleep/1500 HTTP/1.1\r\nHost: localhost\r\n\r\n");
        QTRY_COMPARE(sleepsStarted.load(), 1);
        TlsClient newcomer;
        QVERIFY(connectTls(newcomer, capped->port(), trusting()));
        newcomer.send("GET /gradio_api/info HTTP/1.1\r\nHost: localhost\r\n\r\n");
        QCOMPARE(newcomer.readResponse().status, 200);
        QVERIFY(silent.waitForClose(5000));
        const RawResponse slept = busy.readResponse();
        QCOMPARE(slept.status, 200);
        QCOMPARE(slept.body, QByteArray("slept"));
    }

    void busyCapAnswers503OverTls()
    {
        qradio::ServerOptions options;
        options.maxConnections = 1;
        options.networkThreads = 1;
        options.fileDir = dir.filePath(QStringLiteral("files6"));
        auto capped = tlsServer(options);
        QVERIFY(capped);
        TlsClient busy;
        QVERIFY(connectTls(busy, capped->port(), trusting()));
        sleepsStarted = 0;
        busy.send("GET /sleep/1000 HTTP/1.1\r\nHost: localhost\r\n\r\n");
        QTRY_COMPARE(sleepsStarted.load(), 1);
        // Every connection carries work: the newcomer gets its 503 through the encryption.
        TlsClient refused;
        QVERIFY(connectTls(refused, capped->port(), trusting()));
        const RawResponse r = refused.readResponse();
        QCOMPARE(r.status, 503);
        QVERIFY(refused.waitForClose());
        QCOMPARE(busy.readResponse().body, QByteArray("slept"));
    }

    void encryptedKeyWithItsPassword()
    {
        qradio::ServerOptions options;
        options.sslCertFile = path(QStringLiteral("cert.pem"));
        options.sslKeyFile = path(QStringLiteral("encrypted.pem"));
        options.sslKeyPassword = QStringLiteral("s3cret");
        options.fileDir = dir.filePath(QStringLiteral("files4"));
        qradio::Server s(options);
        QVERIFY2(s.listen(QHostAddress::LocalHost, 0), qPrintable(s.errorString()));
        TlsClient c;
        QVERIFY(connectTls(c, s.port(), trusting()));
        c.send("GET /gradio_api/info HTTP/1.1\r\nHost: localhost\r\n\r\n");
        QCOMPARE(c.readResponse().status, 200);
    }

    void cookiesAreSecure()
    {
        qradio::ServerOptions options;
        options.token = QStringLiteral("tok");
        options.auth = {{QStringLiteral("alice"), QStringLiteral("pw")}};
        options.loginFailureDelay = 0ms;
        options.fileDir = dir.filePath(QStringLiteral("files5"));
        auto s = tlsServer(options);
        QVERIFY(s);
        TlsClient c;
        QVERIFY(connectTls(c, s->port(), trusting()));
        c.send("GET /?token=tok HTTP/1.1\r\nHost: localhost\r\n\r\n");
        const RawResponse tokenLogin = c.readResponse();
        QCOMPARE(tokenLogin.status, 303);
        QVERIFY2(tokenLogin.header("set-cookie").endsWith("; Secure"), tokenLogin.header("set-cookie").constData());
        const QByteArray form = "username=alice&password=pw";
        c.send("POST /login HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer tok\r\n"
               "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: "
               + QByteArray::number(form.size()) + "\r\n\r\n" + form);
        const RawResponse login = c.readResponse();
        QCOMPARE(login.status, 200);
        int cookies = 0;
        for (const auto &[name, value] : login.headers) {
            if (name.compare("set-cookie", Qt::CaseInsensitive) == 0) {
                ++cookies;
                QVERIFY2(value.contains("; Secure"), value.constData());
            }
        }
        QCOMPARE(cookies, 2);
    }

    void listenErrors_data()
    {
        QTest::addColumn<QString>("cert");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("password");
        QTest::addColumn<QString>("expected");
        QFile garbage(path(QStringLiteral("garbage.pem")));
        QVERIFY(garbage.open(QIODevice::WriteOnly));
        garbage.write("not a certificate\n");
        garbage.close();
        QDir().mkpath(path(QStringLiteral("adir")));
        const QString cert = path(QStringLiteral("cert.pem")), key = path(QStringLiteral("key.pem"));
        QTest::newRow("no key file") << cert << QString() << QString() << u"both"_s;
        QTest::newRow("no certificate file") << QString() << key << QString() << u"both"_s;
        QTest::newRow("certificate missing") << path(u"missing.pem"_s) << key << QString() << path(u"missing.pem"_s) + u" does not exist"_s;
        QTest::newRow("key missing") << cert << path(u"missing.pem"_s) << QString() << path(u"missing.pem"_s) + u" does not exist"_s;
        QTest::newRow("certificate unreadable") << path(u"adir"_s) << key << QString() << u"Cannot read the TLS certificate file "_s + path(u"adir"_s);
        QTest::newRow("not a certificate") << path(u"garbage.pem"_s) << key << QString() << u"holds no PEM certificate"_s;
        QTest::newRow("not a key") << cert << path(u"garbage.pem"_s) << QString() << u"holds no PEM private key"_s;
        QTest::newRow("a certificate as key") << cert << cert << QString() << u"holds no PEM private key"_s;
        QTest::newRow("no password") << cert << path(u"encrypted.pem"_s) << QString() << u"is encrypted: give its password"_s;
        QTest::newRow("wrong password") << cert << path(u"encrypted.pem"_s) << u"wrong"_s << u"wrong password"_s;
        QTest::newRow("key of another certificate") << cert << path(u"otherkey.pem"_s) << QString() << u"does not belong to the certificate"_s;
    }
    void listenErrors()
    {
        QFETCH(QString, cert);
        QFETCH(QString, key);
        QFETCH(QString, password);
        QFETCH(QString, expected);
        const QString message = listenError(cert, key, password);
        QVERIFY2(message.contains(expected), qPrintable(message));
    }

private:
    QTemporaryDir dir;
    std::unique_ptr<qradio::Server> server;
    quint16 port = 0;
    std::atomic<int> sleepsStarted{0};
};

QTEST_MAIN(tst_Tls)
#include "tst_tls.moc"
