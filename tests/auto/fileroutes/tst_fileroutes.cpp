// SPDX-License-Identifier: MIT
// The file routes on the wire, through raw sockets so that no client normalises a path.
#include <qradio/server.h>

#include "rawhttp.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>
#include <optional>

static const QByteArray kSecret = "TOP-SECRET-CONTENT";

class tst_FileRoutes : public QObject
{
    Q_OBJECT
private:
    RawResponse get(const QByteArray &target, const QByteArray &extraHeaders = {}, const QByteArray &method = "GET")
    {
        return rawRequest(port, method + ' ' + target + " HTTP/1.1\r\nHost: localhost\r\n" + extraHeaders + "\r\n");
    }
    static void write(const QString &path, const QByteArray &bytes)
    {
        QDir().mkpath(QFileInfo(path).path());
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(bytes);
    }
    QByteArray uploadPath(const QString &name) const { return (root.path() + QStringLiteral("/files/upload/") + name).toUtf8(); }

private slots:
    void initTestCase()
    {
        QVERIFY(root.isValid());
        const QString files = root.path() + QStringLiteral("/files");
        write(files + QStringLiteral("/upload/abc/cat.txt"), "hello, cat");
        write(files + QStringLiteral("/upload/abc/page.html"), "<script>alert(1)</script>");
        write(files + QStringLiteral("/upload/abc/image.svg"), "<svg xmlns='http://www.w3.org/2000/svg'/>");
        write(files + QStringLiteral("/upload/abc/.env"), kSecret);
        write(files + QStringLiteral("/cache/def/result.json"), "{\"ok\":true}");
        write(root.path() + QStringLiteral("/secret/passwd"), kSecret);
        write(root.path() + QStringLiteral("/allowed/notes.txt"), "allowed notes");
        write(root.path() + QStringLiteral("/allowed/blocked/hidden.txt"), kSecret);
        QVERIFY(QFile::link(root.path() + QStringLiteral("/secret/passwd"), files + QStringLiteral("/upload/abc/link.txt")));
        QByteArray big(8 * 1024 * 1024 + 123, Qt::Uninitialized);
        for (qsizetype i = 0; i < big.size(); ++i)
            big[i] = char(i * 7 + i / 4096);
        bigHash = QCryptographicHash::hash(big, QCryptographicHash::Sha256);
        bigSize = big.size();
        write(files + QStringLiteral("/upload/abc/big.bin"), big);

        qradio::ServerOptions options;
        options.fileDir = files;
        options.allowedPaths = {root.path() + QStringLiteral("/allowed")};
        options.blockedPaths = {root.path() + QStringLiteral("/allowed/blocked")};
        server = std::make_unique<qradio::Server>(options);
        QVERIFY(server->listen(QHostAddress::LocalHost, 0));
        port = server->port();
    }
    void cleanupTestCase() { server.reset(); }

    void servesAnUpload()
    {
        const RawResponse r = get("/gradio_api/file=" + uploadPath(QStringLiteral("abc/cat.txt")));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, QByteArray("hello, cat"));
        QCOMPARE(r.header("content-length"), QByteArray("10"));
        QVERIFY(r.header("content-type").startsWith("text/plain"));
        QCOMPARE(r.header("x-content-type-options"), QByteArray("nosniff"));
        QCOMPARE(r.header("accept-ranges"), QByteArray("bytes"));
        QVERIFY(r.header("content-disposition").startsWith("inline"));
        QVERIFY(!r.header("etag").isEmpty());
        QVERIFY(!r.header("last-modified").isEmpty());
        // The /file/<path> spelling serves the same.
        QCOMPARE(get("/gradio_api/file/" + uploadPath(QStringLiteral("abc/cat.txt"))).body, QByteArray("hello, cat"));
        // And a result in the cache, and an allowed path.
        QCOMPARE(get("/gradio_api/file=" + (root.path() + QStringLiteral("/files/cache/def/result.json")).toUtf8()).status, 200);
        QCOMPARE(get("/gradio_api/file=" + (root.path() + QStringLiteral("/allowed/notes.txt")).toUtf8()).body,
                 QByteArray("allowed notes"));
    }

    void headHasTheLengthAndNoBody()
    {
        const QByteArray target = "/gradio_api/file=" + uploadPath(QStringLiteral("abc/cat.txt"));
        RawClient c;
        QVERIFY(c.connectTo(port));
        c.send("HEAD " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
        c.readUntil("\r\n\r\n");
        QVERIFY(c.buffer.startsWith("HTTP/1.1 200 "));
        QVERIFY(c.buffer.contains("\r\nContent-Length: 10\r\n"));
        // Nothing follows the head...
        c.readUntil("never", 300);
        QVERIFY2(c.buffer.endsWith("\r\n\r\n"), c.buffer.constData());
        // ...and the connection serves the next request.
        c.buffer.clear();
        c.send("GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
        QCOMPARE(c.readResponse().body, QByteArray("hello, cat"));
    }

    void rangeIsExact()
    {
        const QByteArray target = "/gradio_api/file=" + uploadPath(QStringLiteral("abc/cat.txt"));
        RawResponse r = get(target, "Range: bytes=2-5\r\n");
        QCOMPARE(r.status, 206);
        QCOMPARE(r.body, QByteArray("llo,"));
        QCOMPARE(r.header("content-range"), QByteArray("bytes 2-5/10"));
        r = get(target, "Range: bytes=-3\r\n");
        QCOMPARE(r.status, 206);
        QCOMPARE(r.body, QByteArray("cat"));
        r = get(target, "Range: bytes=20-\r\n");
        QCOMPARE(r.status, 416);
        QCOMPARE(r.header("content-range"), QByteArray("bytes */10"));
        // In the middle of the large file, across piece boundaries.
        r = get("/gradio_api/file=" + uploadPath(QStringLiteral("abc/big.bin")), "Range: bytes=65530-196620\r\n");
        QCOMPARE(r.status, 206);
        QCOMPARE(r.body.size(), 196620 - 65530 + 1);
        for (qsizetype i = 0; i < r.body.size(); ++i) {
            const qsizetype at = 65530 + i;
            if (r.body[i] != char(at * 7 + at / 4096))
                QFAIL(qPrintable(QStringLiteral("byte %1 differs").arg(at)));
        }
    }

    void conditionalRequestIs304()
    {
        const QByteArray target = "/gradio_api/file=" + uploadPath(QStringLiteral("abc/cat.txt"));
        const QByteArray etag = get(target).header("etag");
        const RawResponse r = get(target, "If-None-Match: " + etag + "\r\n");
        QCOMPARE(r.status, 304);
        QVERIFY(r.body.isEmpty());
    }

    void activeTypesAreAttachments_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("html") << QStringLiteral("abc/page.html");
        QTest::newRow("svg") << QStringLiteral("abc/image.svg");
    }
    void activeTypesAreAttachments()
    {
        QFETCH(QString, name);
        const RawResponse r = get("/gradio_api/file=" + uploadPath(name));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("content-type"), QByteArray("application/octet-stream"));
        QVERIFY2(r.header("content-disposition").startsWith("attachment"), r.header("content-disposition").constData());
        QCOMPARE(r.header("x-content-type-options"), QByteArray("nosniff"));
    }

    void largeFileStreamsIntact()
    {
        RawClient c;
        QVERIFY(c.connectTo(port));
        c.send("GET /gradio_api/file=" + uploadPath(QStringLiteral("abc/big.bin")) + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
        const RawResponse r = c.readResponse(20000);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("content-length").toLongLong(), bigSize);
        QCOMPARE(r.body.size(), bigSize);
        QCOMPARE(QCryptographicHash::hash(r.body, QCryptographicHash::Sha256), bigHash);
        // The connection is still usable afterwards (the length was honoured exactly).
        c.send("GET /gradio_api/file=" + uploadPath(QStringLiteral("abc/cat.txt")) + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
        QCOMPARE(c.readResponse().body, QByteArray("hello, cat"));
    }

    //! The negative corpus: every way of reaching a file outside the served folders, or a
    //! dotfile or blocked file inside them. All are refused the same way and nothing leaks.
    void refused_data()
    {
        QTest::addColumn<QByteArray>("path");
        const QByteArray upload = uploadPath(QStringLiteral("abc"));
        const QByteArray secretRel = "secret/passwd";
        // `..` spelled every way, with every separator spelling, at every depth that could
        // reach the test's root or the filesystem's.
        const QList<QByteArray> dots = {"..", "%2e%2e", "%2E%2E", ".%2e", "%2e.", "%252e%252e", "%%32%65%%32%65"};
        const QList<QByteArray> seps = {"/", "%2f", "%2F", "%252f"};
        int n = 0;
        for (const QByteArray &dot : dots)
            for (const QByteArray &sep : seps)
                for (int depth : {3, 4, 8}) {
                    QByteArray path = upload;
                    for (int i = 0; i < depth; ++i)
                        path += sep + dot;
                    QTest::addRow("traversal-%d", ++n) << path + sep + (depth == 3 ? secretRel : QByteArray("etc") + sep + "passwd");
                }
        const QByteArray secretAbs = (root.path() + QStringLiteral("/secret/passwd")).toUtf8();
        const QList<QByteArray> others = {
            secretAbs,
            "/etc/passwd",
            "/etc/../etc/passwd",
            "//localhost/share/passwd",
            "%2f%2flocalhost%2fshare",
            "%5c%5clocalhost%5cshare",
            "file:///etc/passwd",
            "file:" + secretAbs,
            "http://127.0.0.1:22/",
            "https://169.254.169.254/latest/meta-data",
            "C:/Windows/win.ini",
            "C:%5cWindows%5cwin.ini",
            upload + "/cat.txt%00.png",
            upload + "%00/cat.txt",
            upload + "/.env",
            upload + "/%2eenv",
            upload + "/link.txt",
            upload + "/missing.txt",
            upload,
            upload + "/",
            upload + "/.",
            upload + "/cat.txt/",
            upload + "/cat.txt/.",
            upload + "/..%5c..%5c..%5csecret%5cpasswd",
            upload + "/..%255c..%255csecret",
            upload + "/%2e%2e%2f%2e%2e%2f%2e%2e%2fsecret%2fpasswd",
            upload + "/../abc/cat.txt/../../../../secret/passwd",
            "abc/cat.txt",
            "./abc/cat.txt",
            "../secret/passwd",
            (root.path() + QStringLiteral("/files/upload-evil/x")).toUtf8(),
            (root.path() + QStringLiteral("/allowed/blocked/hidden.txt")).toUtf8(),
            (root.path() + QStringLiteral("/allowed/blocked/../blocked/hidden.txt")).toUtf8(),
            (root.path() + QStringLiteral("/allowed/./blocked/hidden.txt")).toUtf8(),
            (root.path() + QStringLiteral("/allowed//blocked/hidden.txt")).toUtf8(),
            (root.path() + QStringLiteral("/allowed/../secret/passwd")).toUtf8(),
            (root.path() + QStringLiteral("/files")).toUtf8(),
            (root.path()).toUtf8(),
            "",
            "%",
            "%zz",
            QByteArray(3000, 'a'),
        };
        for (const QByteArray &p : others)
            QTest::addRow("other-%d", ++n) << p;
    }
    void refused()
    {
        QFETCH(QByteArray, path);
        // One answer for missing and forbidden alike; an empty path names no file route at all.
        const int expected = path.isEmpty() ? 404 : 403;
        for (const QByteArray &route : {QByteArray("/gradio_api/file="), QByteArray("/gradio_api/file/")}) {
            const RawResponse r = get(route + path);
            QCOMPARE(r.status, expected);
            if (expected == 403)
                QVERIFY2(r.body.startsWith("{\"detail\":\"File not allowed: "), r.body.constData());
            QVERIFY(!r.body.contains(kSecret));
        }
    }

    void cleansUpItsPrivateFolder()
    {
        // Without a fileDir the server makes a private folder under the temp folder (here one
        // of the test's own, so that other tests' servers do not show up) and removes it at stop().
        const QString tmp = root.path() + QStringLiteral("/tmp");
        QVERIFY(QDir().mkpath(tmp));
        const std::optional<QByteArray> saved = qEnvironmentVariableIsSet("TMPDIR") ? std::optional(qgetenv("TMPDIR")) : std::nullopt;
        qputenv("TMPDIR", QFile::encodeName(tmp));
        qradio::Server own;
        const bool listening = own.listen(QHostAddress::LocalHost, 0);
        if (saved)
            qputenv("TMPDIR", *saved);
        else
            qunsetenv("TMPDIR");
        QVERIFY(listening);
        const QStringList made = QDir(tmp).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        QCOMPARE(made.size(), 1);
        const QString mine = tmp + QLatin1Char('/') + made.first();
        QVERIFY(made.first().startsWith(QStringLiteral("qradio-")));
        QVERIFY(QFileInfo(mine + QStringLiteral("/upload")).isDir());
        QVERIFY((QFile::permissions(mine) & (QFileDevice::ReadOther | QFileDevice::ReadGroup)) == 0);
        own.stop();
        QVERIFY(!QFileInfo::exists(mine));
    }

private:
    QTemporaryDir root;
    std::unique_ptr<qradio::Server> server;
    quint16 port = 0;
    QByteArray bigHash;
    qint64 bigSize = 0;
};

QTEST_GUILESS_MAIN(tst_FileRoutes)
#include "tst_fileroutes.moc"
