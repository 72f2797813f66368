// SPDX-License-Identifier: MIT
// File arguments named by URL (handle_file(url) in both clients, URLs in MCP tools): the address
// rule, then real downloads from origins this test runs on loopback: 127.0.0.2 is admitted through
// fileUrlNetworks, 127.0.0.1 is not (and must never see a request).
#include <qradio/file.h>
#include <qradio/server.h>

#include "files/addresspolicy.h"
#include "rawhttp.h"

#include <QCryptographicHash>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <QtTest>

#include <atomic>
#include <memory>

using namespace Qt::StringLiterals;
using qradio::files::AddressPolicy;
using qradio::files::isPublicAddress;

static constexpr qint64 kMaxFileSize = 64 * 1024;

//! A small HTTP/1.1 origin on its own thread (the test's thread blocks in rawRequest): answers
//! by path, counts the requests it got.
class Origin : public QObject
{
public:
    explicit Origin(const QHostAddress &address)
    {
        moveToThread(&m_thread);
        m_thread.start();
        QMetaObject::invokeMethod(this, [this, address] {
            m_server = new QTcpServer(this);
            m_server->listen(address, 0);
            connect(m_server, &QTcpServer::newConnection, this, [this] {
                while (QTcpSocket *s = m_server->nextPendingConnection())
                    connect(s, &QTcpSocket::readyRead, this, [this, s] { serve(s); });
            });
            m_port = m_server->serverPort();
        }, Qt::BlockingQueuedConnection);
    }
    ~Origin() override
    {
        QMetaObject::invokeMethod(this, [this] { delete m_server; }, Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }
    quint16 port() const { return m_port; }
    int requests() const { return m_requests; }
    int dripsEnded() const { return m_dripsEnded; }
    //! Where /inner redirects to.
    QByteArray innerUrl;
    static QByteArray payload() { return QByteArray(20000, 'q') + "end"; }

private:
    void serve(QTcpSocket *s)
    {
        QByteArray &head = m_heads[s];
        head += s->readAll();
        if (!head.contains("\r\n\r\n"))
            return;
        ++m_requests;
        const QByteArray path = head.split(' ').value(1);
        m_heads.remove(s);
        const auto reply = [s](const QByteArray &status, const QByteArray &headers, const QByteArray &body) {
            s->write("HTTP/1.1 " + status + "\r\nConnection: close\r\n" + headers + "Content-Length: "
                     + QByteArray::number(body.size()) + "\r\n\r\n" + body);
            s->disconnectFromHost();
        };
        if (path == "/files/cat%20photo.bin") {
            reply("200 OK", "Content-Type: application/octet-stream\r\n", payload());
        } else if (path == "/redirect") {
            reply("302 Found", "Location: /files/cat%20photo.bin\r\n", {});
        } else if (path == "/inner") {
            reply("302 Found", "Location: " + innerUrl + "\r\n", {});
        } else if (path == "/loop") {
            reply("302 Found", "Location: /loop\r\n", {});
        } else if (path == "/declared-large") {
            s->write("HTTP/1.1 200 OK\r\nContent-Length: " + QByteArray::number(kMaxFileSize + 1) + "\r\n\r\n");
            s->write(QByteArray(1000, 'x')); // then nothing: the length alone must fail it
        } else if (path == "/large") { // no length: only counting while it streams can stop it
            s->write("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
            s->write(QByteArray(kMaxFileSize * 2, 'x'));
            s->disconnectFromHost();
        } else if (path == "/drip") { // a byte every 50 ms: never stalls, never ends
            s->write("HTTP/1.1 200 OK\r\nContent-Length: 60000\r\n\r\n");
            auto *drip = new QTimer(s);
            connect(drip, &QTimer::timeout, s, [s] { s->write("d"); });
            connect(s, &QTcpSocket::disconnected, this, [this] { ++m_dripsEnded; });
            drip->start(50);
        } else if (path == "/cut-short") { // promises more than it sends, then hangs up
            s->write("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\nonly a part");
            s->disconnectFromHost();
        } else if (path == "/big-error") { // an error page larger than a file may be: never buffered
            s->write("HTTP/1.1 500 Internal Server Error\r\nConnection: close\r\n\r\n");
            s->write(QByteArray(kMaxFileSize * 4, 'e'));
            s->disconnectFromHost();
        } else if (path == "/stall") {
            s->write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly a part");
        } else {
            reply("404 Not Found", {}, "no");
        }
    }

    QThread m_thread;
    QTcpServer *m_server = nullptr;
    QHash<QTcpSocket *, QByteArray> m_heads;
    std::atomic<quint16> m_port{0};
    std::atomic<int> m_requests{0};
    std::atomic<int> m_dripsEnded{0};
};

class tst_UrlFetch : public QObject
{
    Q_OBJECT
private:
    static QJsonObject fileData(const QString &url)
    {
        return {{u"path"_s, url}, {u"url"_s, url}, {u"meta"_s, QJsonObject{{u"_type"_s, u"gradio.FileData"_s}}}};
    }
    //! POST /gradio_api/run/describe on another server.
    static RawResponse call(quint16 serverPort, const QString &url)
    {
        const QByteArray body = QJsonDocument(QJsonObject{{u"data"_s, QJsonArray{fileData(url)}}}).toJson(QJsonDocument::Compact);
        return rawRequest(serverPort, "POST /gradio_api/run/describe HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                                      "application/json\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
    }
    RawResponse run(const QByteArray &name, const QJsonArray &data)
    {
        const QByteArray body = QJsonDocument(QJsonObject{{u"data"_s, data}}).toJson(QJsonDocument::Compact);
        return rawRequest(port, "POST /gradio_api/run/" + name + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                                "application/json\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
    }
    QString admitted(const QByteArray &path) const { return u"http://127.0.0.2:%1"_s.arg(origin->port()) + QString::fromLatin1(path); }
    qsizetype uploads() const { return QDir(folder.path() + u"/files/upload"_s).entryList(QDir::Dirs | QDir::NoDotAndDotDot).size(); }
    //! The call fails naming the parameter and why; nothing of the download stays.
    void expectRefused(const QString &url, const QByteArray &why)
    {
        const qsizetype before = uploads();
        const RawResponse r = run("describe", {fileData(url)});
        QCOMPARE(r.status, 500);
        QVERIFY2(r.body.contains("Parameter 'file': cannot fetch") && r.body.contains(why), r.body.constData());
        QCOMPARE(uploads(), before);
    }

private slots:
    void publicAddresses_data()
    {
        QTest::addColumn<QString>("address");
        QTest::addColumn<bool>("isPublic");
        for (const char *a : {"8.8.8.8", "1.1.1.1", "151.101.1.69", "2606:4700:4700::1111", "2a00:1450:4001::200e",
                              "::ffff:8.8.8.8", "2002:808:808::1"})
            QTest::newRow(a) << QString::fromLatin1(a) << true;
        for (const char *a : {"127.0.0.1", "127.5.5.5", "0.0.0.0", "0.1.2.3", "10.0.0.1", "100.64.0.1", "169.254.169.254",
                              "172.16.0.1", "172.31.255.255", "192.0.0.8", "192.0.2.1", "192.168.1.1", "198.18.0.1",
                              "198.51.100.7", "203.0.113.9", "224.0.0.1", "239.255.255.250", "240.0.0.1",
                              "255.255.255.255", "::", "::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254",
                              "::127.0.0.1", "fe80::1", "fc00::1", "fd12:3456::1", "fec0::1", "ff02::1", "2001:db8::1",
                              "2001::1", "2002:7f00:1::1", "2002:a00:1::1", "64:ff9b::7f00:1", "100::1"})
            QTest::newRow(a) << QString::fromLatin1(a) << false;
    }
    void publicAddresses()
    {
        QFETCH(QString, address);
        QFETCH(bool, isPublic);
        const QHostAddress parsed(address);
        QVERIFY(!parsed.isNull());
        QCOMPARE(isPublicAddress(parsed), isPublic);
    }

    void operatorNetworks()
    {
        QString error;
        const std::optional<AddressPolicy> policy = AddressPolicy::parse({u"127.0.0.2"_s, u"10.1.0.0/16"_s, u"fd00::/8"_s}, &error);
        QVERIFY2(policy, qPrintable(error));
        QVERIFY(policy->allows(QHostAddress(u"127.0.0.2"_s)));
        QVERIFY(!policy->allows(QHostAddress(u"127.0.0.1"_s)));
        QVERIFY(policy->allows(QHostAddress(u"10.1.200.3"_s)));
        QVERIFY(!policy->allows(QHostAddress(u"10.2.0.1"_s)));
        QVERIFY(policy->allows(QHostAddress(u"fd00::5"_s)));
        QVERIFY(policy->allows(QHostAddress(u"8.8.8.8"_s)));
        for (const QString &bad : {u"intranet"_s, u"10.0.0.0/33"_s, u""_s}) {
            QVERIFY2(!AddressPolicy::parse({bad}, &error), qPrintable(bad));
            QVERIFY(error.contains(u"'%1'"_s.arg(bad)));
        }
        // And listen() says so.
        qradio::ServerOptions options;
        options.fileUrlNetworks = {u"intranet"_s};
        qradio::Server refused(options);
        QVERIFY(!refused.listen(QHostAddress::LocalHost, 0));
        QVERIFY2(refused.errorString().contains(u"fileUrlNetworks: 'intranet'"_s), qPrintable(refused.errorString()));
    }

    void initTestCase()
    {
        QVERIFY(folder.isValid());
        origin = std::make_unique<Origin>(QHostAddress(u"127.0.0.2"_s));
        inner = std::make_unique<Origin>(QHostAddress(u"127.0.0.1"_s));
        QVERIFY(origin->port() && inner->port());
        origin->innerUrl = "http://127.0.0.1:" + QByteArray::number(inner->port()) + "/files/cat%20photo.bin";
        qradio::ServerOptions options;
        options.fileDir = folder.path() + u"/files"_s;
        options.fileUrlNetworks = {u"127.0.0.2"_s};
        options.maxFileSize = kMaxFileSize;
        options.fileUrlStallTimeout = std::chrono::milliseconds(500);
        options.fileUrlsPerCall = 2;
        server = std::make_unique<qradio::Server>(options);
        server->api("describe", [](const qradio::File &f) {
            QFile in(f.path);
            in.open(QIODevice::ReadOnly);
            const QByteArray hash = QCryptographicHash::hash(in.readAll(), QCryptographicHash::Sha256).toHex();
            return u"%1:%2:%3"_s.arg(f.name).arg(f.size).arg(QString::fromLatin1(hash));
        }).params({"file"});
        server->api("count", [](const QList<qradio::File> &files) { return int(files.size()); }).params({"files"});
        QVERIFY(server->listen(QHostAddress::LocalHost, 0));
        port = server->port();
    }
    void cleanupTestCase()
    {
        server.reset();
        origin.reset();
        inner.reset();
    }

    void fetchesFromAnAdmittedOrigin()
    {
        const QString expected = u"cat photo.bin:%1:%2"_s.arg(Origin::payload().size())
                                     .arg(QString::fromLatin1(QCryptographicHash::hash(Origin::payload(), QCryptographicHash::Sha256).toHex()));
        for (const QByteArray path : {"/files/cat%20photo.bin", "/redirect"}) {
            const RawResponse r = run("describe", {fileData(admitted(path))});
            QCOMPARE(r.status, 200);
            const QString got = QJsonDocument::fromJson(r.body).object().value(u"data"_s).toArray().at(0).toString();
            // The name is the URL's (as the clients name it), the content the origin's.
            QCOMPARE(got.section(u':', 1), expected.section(u':', 1));
            QCOMPARE(got.section(u':', 0, 0), path == "/redirect" ? u"redirect"_s : u"cat photo.bin"_s);
        }
        // Several in one argument, as a list.
        const RawResponse r = run("count", {QJsonValue(QJsonArray{fileData(admitted("/files/cat%20photo.bin")), fileData(admitted("/redirect"))})});
        QVERIFY2(r.status == 200, r.body.constData());
        QCOMPARE(QJsonDocument::fromJson(r.body).object().value(u"data"_s).toArray(), (QJsonArray{2}));
    }

    void refusesWhatItMustNotFetch_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QByteArray>("why");
        QTest::newRow("loopback") << u"http://127.0.0.1:%1/files/cat%20photo.bin"_s.arg(inner->port()) << QByteArray("127.0.0.1 is not a public address");
        QTest::newRow("localhost") << u"http://localhost:%1/files/cat%20photo.bin"_s.arg(inner->port()) << QByteArray("is not a public address");
        QTest::newRow("metadata service") << u"http://169.254.169.254/latest/meta-data/"_s << QByteArray("169.254.169.254 is not a public address");
        QTest::newRow("private") << u"http://10.0.0.1/x.png"_s << QByteArray("10.0.0.1 is not a public address");
        QTest::newRow("ipv6 loopback") << u"http://[::1]:%1/x"_s.arg(inner->port()) << QByteArray("::1 is not a public address");
        QTest::newRow("mapped loopback") << u"http://[::ffff:127.0.0.1]:%1/x"_s.arg(inner->port()) << QByteArray("is not a public address");
        QTest::newRow("decimal loopback") << u"http://2130706433:%1/x"_s.arg(inner->port()) << QByteArray("is not a public address");
        QTest::newRow("redirect inward") << admitted("/inner") << QByteArray("127.0.0.1 is not a public address");
        QTest::newRow("redirect loop") << admitted("/loop") << QByteArray("redirects more than 5 times");
        QTest::newRow("credentials") << u"http://user:secret@127.0.0.2:%1/x"_s.arg(origin->port()) << QByteArray("user name or password");
        QTest::newRow("not found") << admitted("/missing") << QByteArray("the server answered 404");
        QTest::newRow("declared too large") << admitted("/declared-large") << QByteArray("larger than the 65536 bytes");
        QTest::newRow("too large") << admitted("/large") << QByteArray("larger than the 65536 bytes");
        QTest::newRow("cut short") << admitted("/cut-short") << QByteArray("Connection closed");
        QTest::newRow("error page") << admitted("/big-error") << QByteArray("the server answered 500");
        QTest::newRow("stalls") << admitted("/stall") << QByteArray("no data came for 0.5 s");
    }
    void refusesWhatItMustNotFetch()
    {
        QFETCH(QString, url);
        QFETCH(QByteArray, why);
        expectRefused(url, why);
        QCOMPARE(inner->requests(), 0); // the inner origin never heard of it
    }

    void boundsTheUrlsOfOneCall()
    {
        const QString a = admitted("/files/cat%20photo.bin");
        const int before = origin->requests();
        const RawResponse r = run("count", {QJsonValue(QJsonArray{fileData(a), fileData(a), fileData(a)})});
        QCOMPARE(r.status, 500);
        QVERIFY2(r.body.contains("Parameter 'files': a call may name at most 2 files by URL"), r.body.constData());
        QCOMPARE(origin->requests(), before); // refused before fetching anything
    }

    void cancellingStopsTheFetch()
    {
        const qsizetype before = uploads();
        const int ended = origin->dripsEnded();
        const QByteArray body = QJsonDocument(QJsonObject{{u"data"_s, QJsonArray{fileData(admitted("/drip"))}},
                                                          {u"fn_index"_s, 0}, {u"session_hash"_s, u"dripping"_s}})
                                    .toJson(QJsonDocument::Compact);
        const RawResponse joined = rawRequest(port, "POST /gradio_api/queue/join HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                                                    "application/json\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
        QCOMPARE(joined.status, 200);
        const QString eventId = QJsonDocument::fromJson(joined.body).object().value(u"event_id"_s).toString();
        QTRY_COMPARE(uploads(), before + 1); // the download has begun
        const QByteArray cancel = QJsonDocument(QJsonObject{{u"event_id"_s, eventId}, {u"session_hash"_s, u"dripping"_s}, {u"fn_index"_s, 0}})
                                      .toJson(QJsonDocument::Compact);
        QCOMPARE(rawRequest(port, "POST /gradio_api/cancel HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                                  "Content-Length: " + QByteArray::number(cancel.size()) + "\r\n\r\n" + cancel).status, 200);
        // The connection to the origin is closed and the partial file removed.
        QTRY_COMPARE(origin->dripsEnded(), ended + 1);
        QTRY_COMPARE(uploads(), before);
    }

    void aDownloadHasADeadline()
    {
        qradio::ServerOptions options;
        options.fileUrlNetworks = {u"127.0.0.2"_s};
        options.fileUrlTimeout = std::chrono::milliseconds(800);
        qradio::Server bounded(options);
        bounded.api("describe", [](const qradio::File &f) { return f.name; }).params({"file"});
        QVERIFY(bounded.listen(QHostAddress::LocalHost, 0));
        const int ended = origin->dripsEnded();
        const RawResponse r = call(bounded.port(), admitted("/drip"));
        QCOMPARE(r.status, 500);
        QVERIFY2(r.body.contains("took longer than 0.8 s"), r.body.constData());
        QTRY_COMPARE(origin->dripsEnded(), ended + 1);
    }

    void urlsCanBeTurnedOff()
    {
        qradio::ServerOptions options;
        options.fileUrlsPerCall = 0;
        options.fileUrlNetworks = {u"127.0.0.2"_s};
        qradio::Server off(options);
        off.api("describe", [](const qradio::File &f) { return f.name; }).params({"file"});
        QVERIFY(off.listen(QHostAddress::LocalHost, 0));
        const RawResponse r = call(off.port(), admitted("/files/cat%20photo.bin"));
        QCOMPARE(r.status, 500);
        QVERIFY2(r.body.contains("this server does not download files from URLs"), r.body.constData());
    }

private:
    QTemporaryDir folder;
    std::unique_ptr<Origin> origin;
    std::unique_ptr<Origin> inner;
    std::unique_ptr<qradio::Server> server;
    quint16 port = 0;
};

QTEST_GUILESS_MAIN(tst_UrlFetch)
#include "tst_urlfetch.moc"
