// SPDX-License-Identifier: MIT
// Server::serveFolder() on the wire, through raw sockets so that no client normalises a path,
// and the precedence of user routes, catch-alls and built-in routes.
#include <qradio/server.h>

#include "rawhttp.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

static const QByteArray kSecret = "TOP-SECRET-CONTENT";
static const QByteArray kIndex = "<!doctype html><title>disk app</title>\n";
static const QByteArray kAppJs = "console.log('disk app');\n";
static const QByteArray kHtmlAccept = "Accept: text/html,application/xhtml+xml,*/*;q=0.8\r\n";

//! Warnings logged while a server starts listening.
static QMutex warningsMutex;
static QStringList warnings;
static void collectWarnings(QtMsgType type, const QMessageLogContext &, const QString &message)
{
    if (type == QtWarningMsg) {
        QMutexLocker lock(&warningsMutex);
        warnings.append(message);
    }
}

class tst_StaticFiles : public QObject
{
    Q_OBJECT
private:
    static RawResponse request(quint16 port, const QByteArray &target, const QByteArray &extraHeaders = {},
                               const QByteArray &method = "GET")
    {
        return rawRequest(port, method + ' ' + target + " HTTP/1.1\r\nHost: localhost\r\n" + extraHeaders + "\r\n");
    }
    RawResponse get(const QByteArray &target, const QByteArray &extraHeaders = {})
    {
        return request(port, target, extraHeaders);
    }
    static void write(const QString &path, const QByteArray &bytes)
    {
        QDir().mkpath(QFileInfo(path).path());
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(bytes);
    }
    static void addEndpoint(qradio::Server &server)
    {
        server.api("add", [](int a, int b) { return a + b; }).params({"a", "b"});
    }
    //! Starts `server` and returns the warnings logged meanwhile.
    static QStringList listenCollecting(qradio::Server &server)
    {
        {
            QMutexLocker lock(&warningsMutex);
            warnings.clear();
        }
        const QtMessageHandler previous = qInstallMessageHandler(collectWarnings);
        const bool ok = server.listen(QHostAddress::LocalHost, 0);
        qInstallMessageHandler(previous);
        if (!ok)
            qFatal("listen failed: %s", qPrintable(server.errorString()));
        QMutexLocker lock(&warningsMutex);
        return warnings;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(root.isValid());
        site = root.path() + QStringLiteral("/site");
        write(site + QStringLiteral("/index.html"), kIndex);
        write(site + QStringLiteral("/app.js"), kAppJs);
        write(site + QStringLiteral("/style.css"), "body { color: red }\n");
        write(site + QStringLiteral("/logo.svg"), "<svg xmlns='http://www.w3.org/2000/svg'/>");
        write(site + QStringLiteral("/mod.wasm"), QByteArray("\0asm\1\0\0\0", 8));
        write(site + QStringLiteral("/data.json"), "{\"ok\":true}");
        write(site + QStringLiteral("/pic.png"), QByteArray::fromHex("89504e470d0a1a0a0000000d49484452"));
        write(site + QStringLiteral("/assets/index-3f9a1c2b.js"), "export const hashed = 1;\n");
        write(site + QStringLiteral("/assets/logo-DiwrgTda.svg"), "<svg xmlns='http://www.w3.org/2000/svg'/>");
        write(site + QStringLiteral("/assets/app-settings.js"), "export const settings = 1;\n");
        write(site + QStringLiteral("/docs/index.html"), "<!doctype html><title>docs</title>\n");
        QVERIFY(QDir().mkpath(site + QStringLiteral("/empty")));
        write(site + QStringLiteral("/.env"), kSecret);
        write(site + QStringLiteral("/.git/config"), kSecret);
        write(site + QStringLiteral("/sub/.hidden.txt"), kSecret);
        write(site + QStringLiteral("/sub/plain.txt"), "plain");
        write(root.path() + QStringLiteral("/secret/passwd"), kSecret);
        QVERIFY(QFile::link(root.path() + QStringLiteral("/secret/passwd"), site + QStringLiteral("/link-out.txt")));
        QVERIFY(QFile::link(root.path() + QStringLiteral("/secret"), site + QStringLiteral("/dirlink")));
        QVERIFY(QFile::link(site + QStringLiteral("/app.js"), site + QStringLiteral("/link-in.js")));
        QVERIFY(QFile::link(site + QStringLiteral("/.env"), site + QStringLiteral("/sub/dotlink.txt")));
        QByteArray big(8 * 1024 * 1024 + 123, Qt::Uninitialized);
        for (qsizetype i = 0; i < big.size(); ++i)
            big[i] = char(i * 7 + i / 4096);
        bigHash = QCryptographicHash::hash(big, QCryptographicHash::Sha256);
        bigSize = big.size();
        write(site + QStringLiteral("/media/big.bin"), big);

        qradio::ServerOptions options;
        options.fileDir = root.path() + QStringLiteral("/files");
        server = std::make_unique<qradio::Server>(options);
        addEndpoint(*server);
        // "/" first: the longer prefixes still take their own paths.
        server->serveFolder(QStringLiteral("/"), site, {.spaFallback = true});
        server->serveFolder(QStringLiteral("/app"), site);
        server->serveFolder(QStringLiteral("/res"), QStringLiteral(":/test/frontend"), {.spaFallback = true});
        server->serveFolder(QStringLiteral("/cached/"), site, {.maxAge = 600});
        const QStringList logged = listenCollecting(*server);
        QVERIFY2(logged.isEmpty(), qPrintable(logged.join(u'\n')));
        port = server->port();
    }
    void cleanupTestCase() { server.reset(); }

    void types_data()
    {
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QByteArray>("type");
        QTest::newRow("html") << QByteArray("/index.html") << QByteArray("text/html; charset=utf-8");
        QTest::newRow("js") << QByteArray("/app.js") << QByteArray("text/javascript; charset=utf-8");
        QTest::newRow("css") << QByteArray("/style.css") << QByteArray("text/css; charset=utf-8");
        QTest::newRow("svg") << QByteArray("/logo.svg") << QByteArray("image/svg+xml");
        QTest::newRow("wasm") << QByteArray("/mod.wasm") << QByteArray("application/wasm");
        QTest::newRow("json") << QByteArray("/data.json") << QByteArray("application/json");
        QTest::newRow("png") << QByteArray("/pic.png") << QByteArray("image/png");
        QTest::newRow("txt") << QByteArray("/sub/plain.txt") << QByteArray("text/plain; charset=utf-8");
    }
    void types()
    {
        QFETCH(QByteArray, path);
        QFETCH(QByteArray, type);
        const RawResponse r = get(path);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("content-type"), type);
        QCOMPARE(r.header("x-content-type-options"), QByteArray("nosniff"));
        QVERIFY(r.header("content-disposition").isEmpty()); // a page's own files, not downloads
        QFile file(site + QString::fromUtf8(path));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(r.body, file.readAll());
    }

    void caching_data()
    {
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QByteArray>("cacheControl");
        QTest::newRow("html") << QByteArray("/index.html") << QByteArray("no-cache");
        QTest::newRow("index") << QByteArray("/") << QByteArray("no-cache");
        QTest::newRow("hashed js") << QByteArray("/assets/index-3f9a1c2b.js") << QByteArray("public, max-age=31536000, immutable");
        QTest::newRow("hashed svg") << QByteArray("/assets/logo-DiwrgTda.svg") << QByteArray("public, max-age=31536000, immutable");
        QTest::newRow("plain name") << QByteArray("/assets/app-settings.js") << QByteArray("no-cache");
        QTest::newRow("other") << QByteArray("/app.js") << QByteArray("no-cache");
        QTest::newRow("maxAge") << QByteArray("/cached/app.js") << QByteArray("max-age=600");
        QTest::newRow("maxAge html") << QByteArray("/cached/index.html") << QByteArray("no-cache");
        QTest::newRow("resource hashed") << QByteArray("/res/assets/index-3f9a1c2b.js") << QByteArray("public, max-age=31536000, immutable");
        QTest::newRow("resource index") << QByteArray("/res/") << QByteArray("no-cache");
    }
    void caching()
    {
        QFETCH(QByteArray, path);
        QFETCH(QByteArray, cacheControl);
        const RawResponse r = get(path);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("cache-control"), cacheControl);
    }

    void conditionalRequests()
    {
        const RawResponse first = get("/app.js");
        QCOMPARE(first.status, 200);
        const QByteArray etag = first.header("etag");
        QVERIFY(etag.startsWith('"') && etag.endsWith('"')); // strong
        QVERIFY(!first.header("last-modified").isEmpty());
        const RawResponse again = get("/app.js", "If-None-Match: " + etag + "\r\n");
        QCOMPARE(again.status, 304);
        QVERIFY(again.body.isEmpty());
        QCOMPARE(again.header("etag"), etag);
        QCOMPARE(get("/app.js", "If-None-Match: \"other\"\r\n").status, 200);
        QCOMPARE(get("/app.js", "If-Modified-Since: " + first.header("last-modified") + "\r\n").status, 304);
        QCOMPARE(get("/app.js", "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n").status, 200);
        // The index too, through its folder.
        const QByteArray indexTag = get("/").header("etag");
        QVERIFY(!indexTag.isEmpty());
        QCOMPARE(get("/", "If-None-Match: " + indexTag + "\r\n").status, 304);
    }

    void range()
    {
        const RawResponse r = get("/app.js", "Range: bytes=0-6\r\n");
        QCOMPARE(r.status, 206);
        QCOMPARE(r.body, kAppJs.first(7));
        QCOMPARE(r.header("content-range"), "bytes 0-6/" + QByteArray::number(kAppJs.size()));
        QCOMPARE(get("/app.js", "Range: bytes=9999-\r\n").status, 416);
    }

    void head()
    {
        RawClient c;
        QVERIFY(c.connectTo(port));
        c.send("HEAD /app.js HTTP/1.1\r\nHost: localhost\r\n\r\n");
        c.readUntil("\r\n\r\n");
        QVERIFY2(c.buffer.startsWith("HTTP/1.1 200 "), c.buffer.constData());
        QVERIFY(c.buffer.contains("\r\nContent-Length: " + QByteArray::number(kAppJs.size()) + "\r\n"));
        QVERIFY(c.buffer.contains("text/javascript"));
        c.readUntil("never", 300);
        QVERIFY2(c.buffer.endsWith("\r\n\r\n"), c.buffer.constData()); // no body
        c.buffer.clear();
        c.send("GET /app.js HTTP/1.1\r\nHost: localhost\r\n\r\n");
        QCOMPARE(c.readResponse().body, kAppJs);
    }

    void indexPages()
    {
        RawResponse r = get("/");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, kIndex); // the folder's page, not the built-in one
        QCOMPARE(r.header("content-type"), QByteArray("text/html; charset=utf-8"));
        r = get("/docs/");
        QCOMPARE(r.status, 200);
        QVERIFY(r.body.contains("<title>docs</title>"));
        // A folder without its slash is sent to it, relative to where the client is.
        r = get("/docs?x=1");
        QCOMPARE(r.status, 301);
        QCOMPARE(r.header("location"), QByteArray("docs/?x=1"));
        r = get("/app");
        QCOMPARE(r.status, 301);
        QCOMPARE(r.header("location"), QByteArray("app/"));
        // A folder without an index: no listing.
        QCOMPARE(get("/empty/").status, 404);
        QCOMPARE(get("/app/empty/").status, 404);
    }

    void otherPrefix()
    {
        RawResponse r = get("/app/");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, kIndex);
        QCOMPARE(get("/app/app.js").body, kAppJs);
        QCOMPARE(get("/app/docs/").status, 200);
        // No SPA fallback on this mount, and the "/" mount does not answer for it.
        QCOMPARE(get("/app/settings/profile", kHtmlAccept).status, 404);
        QCOMPARE(get("/app/missing.js").status, 404);
        QCOMPARE(get("/application.js").status, 404); // not below /app
    }

    void spaFallback()
    {
        RawResponse r = get("/settings/profile", kHtmlAccept);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, kIndex);
        QCOMPARE(r.header("cache-control"), QByteArray("no-cache"));
        // Only for a browser navigating, only without an extension, never for the protocol's paths.
        QCOMPARE(get("/settings/profile").status, 404);
        QCOMPARE(get("/settings/profile", "Accept: application/json\r\n").status, 404);
        QCOMPARE(get("/missing.js", kHtmlAccept).status, 404);
        QCOMPARE(get("/gradio_api/nothing", kHtmlAccept).status, 404);
        QCOMPARE(request(port, "/settings", kHtmlAccept + "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}", "POST").status, 405);
        // The resource mount has it on too.
        r = get("/res/some/route", kHtmlAccept);
        QCOMPARE(r.status, 200);
        QVERIFY(r.body.contains("resource app"));
    }

    void missingAndHidden_data()
    {
        QTest::addColumn<QByteArray>("path");
        for (const char *path : {"/missing.js", "/.env", "/.git/config", "/sub/.hidden.txt", "/sub/dotlink.txt",
                                 "/%2eenv", "/.git/", "/app/.env", "/res/.env", "/res/missing.js"})
            QTest::newRow(path) << QByteArray(path);
    }
    void missingAndHidden()
    {
        QFETCH(QByteArray, path);
        for (const QByteArray &accept : {QByteArray(), kHtmlAccept}) {
            const RawResponse r = get(path, accept);
            QCOMPARE(r.status, 404);
            QVERIFY(!r.body.contains(kSecret) && !r.body.contains("RESOURCE-SECRET"));
        }
    }

    void traversal_data()
    {
        QTest::addColumn<QByteArray>("path");
        const char *const paths[] = {
            "/../secret/passwd", "/../../secret/passwd", "/%2e%2e/secret/passwd", "/%2E%2E/secret/passwd",
            "/..%2fsecret%2fpasswd", "/%2e%2e%2fsecret%2fpasswd", "/%252e%252e/secret/passwd",
            "/%252e%252e%252fsecret%252fpasswd", "/..%5csecret%5cpasswd", "/..%5Csecret/passwd",
            "/app.js%00.png", "/%00", "/sub%2fplain.txt", "/sub//plain.txt", "/%2Fetc%2Fpasswd",
            "/link-out.txt", "/dirlink/passwd", "/dirlink/", "/app/../secret/passwd",
            "/app/%2e%2e/%2e%2e/secret/passwd", "/app/..%2f..%2fsecret/passwd", "/res/%2e%2e/secret/passwd",
            "/res/..%2f..%2fsecret", "/sub/./plain.txt", "/sub/%2e/plain.txt", "/app.js%", "/app.js%zz",
            "/docs/..", "/%c0%ae%c0%ae/secret/passwd",
        };
        for (const char *path : paths)
            QTest::newRow(path) << QByteArray(path);
        QTest::newRow("long") << "/" + QByteArray(5000, 'a');
        QTest::newRow("backslash") << QByteArray("/..\\secret\\passwd");
        QTest::newRow("tab") << QByteArray("/app.js%09");
    }
    void traversal()
    {
        QFETCH(QByteArray, path);
        RawResponse r = get(path);
        // 404 from the mount; a raw backslash may already be refused (400) by the framer.
        QVERIFY2(r.status == 404 || (r.status == 400 && path.contains('\\')), r.statusLine.constData());
        QVERIFY(!r.body.contains(kSecret));
        // A browser navigating gets the same, or the app's page when the path is well-formed
        // but names nothing servable (a link leading out) and has no extension.
        r = get(path, kHtmlAccept);
        QVERIFY2(r.status == 404 || (r.status == 400 && path.contains('\\')) || (r.status == 200 && r.body == kIndex),
                 r.statusLine.constData());
        QVERIFY(!r.body.contains(kSecret));
    }
    void networkPathIsNoEscape()
    {
        // `//etc/passwd` is a network-path reference: its path is `/passwd`, inside the folder.
        const RawResponse r = get("//etc/passwd");
        QCOMPARE(r.status, 404);
        QVERIFY(!r.body.contains(kSecret));
    }
    void linksInsideAreFollowed()
    {
        const RawResponse r = get("/link-in.js");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, kAppJs);
    }

    void resourceFolder()
    {
        RawResponse r = get("/res/");
        QCOMPARE(r.status, 200);
        QVERIFY(r.body.contains("resource app"));
        QCOMPARE(r.header("content-type"), QByteArray("text/html; charset=utf-8"));
        QCOMPARE(get("/res").status, 301);
        r = get("/res/app.js");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, QByteArray("console.log(\"resource app\");\n"));
        QCOMPARE(r.header("content-type"), QByteArray("text/javascript; charset=utf-8"));
        // The ETag is the content's digest: stable, and a 304 on revalidation.
        const QByteArray etag = r.header("etag");
        QVERIFY(etag.startsWith('"') && etag.size() > 10);
        QCOMPARE(get("/res/app.js").header("etag"), etag);
        QVERIFY(get("/res/assets/index-3f9a1c2b.js").header("etag") != etag);
        QCOMPARE(get("/res/app.js", "If-None-Match: " + etag + "\r\n").status, 304);
        r = get("/res/app.js", "Range: bytes=8-10\r\n");
        QCOMPARE(r.status, 206);
        QCOMPARE(r.body, QByteArray("log"));
        QCOMPARE(get("/res/docs/").status, 200);
        QCOMPARE(get("/res/docs").header("location"), QByteArray("docs/"));
    }

    void bigFileIsStreamed()
    {
        RawClient c;
        QVERIFY(c.connectTo(port));
        c.send("GET /media/big.bin HTTP/1.1\r\nHost: localhost\r\n\r\n");
        const RawResponse r = c.readResponse(30000);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("content-length"), QByteArray::number(bigSize));
        QCOMPARE(r.body.size(), bigSize);
        QCOMPARE(QCryptographicHash::hash(r.body, QCryptographicHash::Sha256), bigHash);
        const RawResponse part = get("/media/big.bin", "Range: bytes=4194304-4194311\r\n");
        QCOMPARE(part.status, 206);
        QCOMPARE(part.body.size(), 8);
    }

    void builtinsStayReachable()
    {
        // The "/" mount is a catch-all: Gradio's routes keep their paths.
        RawResponse r = get("/config");
        QCOMPARE(r.status, 200);
        QVERIFY(r.header("content-type").startsWith("application/json"));
        QCOMPARE(get("/gradio_api/info").status, 200);
        QCOMPARE(get("/gradio_api/client.js").status, 200);
    }

    void catchAllRouteAndFolderKeepBuiltins()
    {
        qradio::Server app({.fileDir = root.path() + QStringLiteral("/files2")});
        addEndpoint(app);
        app.get(QStringLiteral("/<path...>"), [](const qradio::Request &req) {
            return qradio::Response::text(QStringLiteral("catch-all ") + req.param(QStringLiteral("path")));
        });
        app.serveFolder(QStringLiteral("/"), site, {.spaFallback = true});
        const QStringList logged = listenCollecting(app);
        QVERIFY2(logged.isEmpty(), qPrintable(logged.join(u'\n'))); // catch-alls shadow nothing
        const quint16 p = app.port();

        RawResponse r = request(p, "/config");
        QCOMPARE(r.status, 200);
        const QJsonObject config = QJsonDocument::fromJson(r.body).object();
        QVERIFY(config.contains(QStringLiteral("dependencies")));
        r = request(p, "/gradio_api/info");
        QCOMPARE(r.status, 200);
        QVERIFY(QJsonDocument::fromJson(r.body).object().value(QStringLiteral("named_endpoints")).toObject().contains(QStringLiteral("/add")));
        QCOMPARE(request(p, "/gradio_api/client.js").status, 200);
        const QByteArray join = "{\"data\":[1,2],\"fn_index\":0,\"session_hash\":\"s1\"}";
        r = request(p, "/gradio_api/queue/join",
                    "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(join.size()) + "\r\n\r\n" + join, "POST");
        QCOMPARE(r.status, 200);
        QVERIFY(QJsonDocument::fromJson(r.body).object().contains(QStringLiteral("event_id")));
        // The folder's prefix itself goes before the built-in page; the rest to the catch-all,
        // added first.
        QCOMPARE(request(p, "/").body, kIndex);
        QCOMPARE(request(p, "/anything/else").body, QByteArray("catch-all anything/else"));
        app.stop();
    }

    void exactRouteShadowsWithWarning()
    {
        qradio::Server app({.fileDir = root.path() + QStringLiteral("/files3")});
        app.get(QStringLiteral("/"), [] { return qradio::Html(QStringLiteral("my page")); });
        app.get(QStringLiteral("/config"), [] { return QJsonObject{{QStringLiteral("mine"), true}}; });
        app.get(QStringLiteral("/health"), [] { return QJsonObject{{QStringLiteral("ok"), true}}; });
        const QStringList logged = listenCollecting(app);
        QCOMPARE(logged.size(), 1);
        QVERIFY2(logged.first().contains(QStringLiteral("GET /config shadows the built-in route GET /config")),
                 qPrintable(logged.first()));
        const quint16 p = app.port();
        QCOMPARE(request(p, "/").body, QByteArray("my page")); // replaced silently, as intended
        QCOMPARE(QJsonDocument::fromJson(request(p, "/config").body).object().value(QStringLiteral("mine")), QJsonValue(true));
        QCOMPARE(request(p, "/gradio_api/info").status, 200);
        app.stop();
    }

    void placeholderRouteNamesEveryBuiltinItTakes()
    {
        qradio::Server app({.fileDir = root.path() + QStringLiteral("/files4")});
        app.get(QStringLiteral("/gradio_api/<what>"), [] { return qradio::Response::text(QStringLiteral("mine")); });
        const QStringList logged = listenCollecting(app);
        QCOMPARE(logged.size(), 1);
        for (const char *builtin : {"GET /gradio_api/info", "GET /gradio_api/client.js", "GET /gradio_api/app_id"})
            QVERIFY2(logged.first().contains(QLatin1String(builtin)), qPrintable(logged.first()));
        QVERIFY(logged.first().contains(QStringLiteral("GET /gradio_api/<what>")));
        app.stop();
    }

    void missingFolderWarns()
    {
        qradio::Server app;
        const QString missing = root.path() + QStringLiteral("/no-such-folder");
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("serveFolder: .*no-such-folder.* does not exist")));
        app.serveFolder(QStringLiteral("/"), missing);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("serveFolder: :/nothing/here is not a folder")));
        app.serveFolder(QStringLiteral("/x"), QStringLiteral(":/nothing/here"));
    }

private:
    QTemporaryDir root;
    QString site;
    std::unique_ptr<qradio::Server> server;
    quint16 port = 0;
    QByteArray bigHash;
    qint64 bigSize = 0;
};

QTEST_GUILESS_MAIN(tst_StaticFiles)
#include "tst_staticfiles.moc"
