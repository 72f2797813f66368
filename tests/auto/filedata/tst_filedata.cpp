// SPDX-License-Identifier: MIT
// Files through endpoints, on the wire (POST /gradio_api/run/<name>, as the JS client calls
// an unqueued endpoint, and /upload first as both clients do).
#include <qradio/file.h>
#include <qradio/server.h>

#include "rawhttp.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>
#include <optional>

static const QByteArray kBoundary = "qradioFileDataBoundary";

class tst_FileData : public QObject
{
    Q_OBJECT
private:
    RawResponse run(const QByteArray &name, const QJsonArray &data)
    {
        const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("data"), data}}).toJson(QJsonDocument::Compact);
        return rawRequest(port, "POST /gradio_api/run/" + name + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                                "application/json\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
    }
    QString upload(const QByteArray &name, const QByteArray &content)
    {
        const QByteArray body = "--" + kBoundary + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"" + name
            + "\"\r\n\r\n" + content + "\r\n--" + kBoundary + "--\r\n";
        const RawResponse r = rawRequest(port, "POST /gradio_api/upload HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                                               "multipart/form-data; boundary=" + kBoundary + "\r\nContent-Length: "
                                                   + QByteArray::number(body.size()) + "\r\n\r\n" + body);
        return QJsonDocument::fromJson(r.body).array().at(0).toString();
    }
    static QJsonObject fileData(const QString &path, const QString &name = {})
    {
        QJsonObject o{{QStringLiteral("path"), path}, {QStringLiteral("meta"), QJsonObject{{QStringLiteral("_type"), QStringLiteral("gradio.FileData")}}}};
        if (!name.isEmpty())
            o.insert(QStringLiteral("orig_name"), name);
        return o;
    }
    static QJsonArray outputs(const RawResponse &r) { return QJsonDocument::fromJson(r.body).object().value(QLatin1String("data")).toArray(); }

private slots:
    void initTestCase()
    {
        QVERIFY(folder.isValid());
        qradio::ServerOptions options;
        options.fileDir = folder.path() + QStringLiteral("/files");
        server = std::make_unique<qradio::Server>(options);
        server->api("echo", [](const qradio::File &f) { return f; }).params({"file"});
        server->api("describe", [](const qradio::File &f) {
            QFile in(f.path);
            in.open(QIODevice::ReadOnly);
            return QStringLiteral("%1:%2:%3").arg(f.name).arg(f.size).arg(QString::fromUtf8(in.readAll()));
        }).params({"file"});
        server->api("count", [](const QList<qradio::File> &files, std::optional<qradio::File> extra) {
            return int(files.size()) + (extra ? 1 : 0);
        }).params({"files", "extra"});
        made = QDir::temp().filePath(QStringLiteral("qradio-filedata-result-%1.txt").arg(QCoreApplication::applicationPid()));
        server->api("make", [made = made] {
            QFile out(made);
            out.open(QIODevice::WriteOnly);
            out.write("made here");
            out.close();
            return QList<qradio::File>{qradio::File::fromPath(made, QStringLiteral("report.txt"))};
        });
        server->api("leak", [] { return qradio::File::fromPath(QStringLiteral("/etc/hostname")); });
        QVERIFY(server->listen(QHostAddress::LocalHost, 0));
        port = server->port();
    }
    void cleanupTestCase()
    {
        server.reset();
        QFile::remove(made); // the endpoint's own file (the server keeps its copy in the cache)
    }

    void uploadedFileReachesTheEndpoint()
    {
        const QString path = upload("cat.txt", "meow");
        QVERIFY(!path.isEmpty());
        const RawResponse r = run("describe", {fileData(path, QStringLiteral("my cat.txt"))});
        QCOMPARE(r.status, 200);
        QCOMPARE(outputs(r), (QJsonArray{QStringLiteral("my cat.txt:4:meow")}));
    }

    void echoedFileIsServable()
    {
        const QString path = upload("echo.bin", "echo!");
        const RawResponse r = run("echo", {fileData(path, QStringLiteral("echo.bin"))});
        QCOMPARE(r.status, 200);
        const QJsonObject out = outputs(r).at(0).toObject();
        QCOMPARE(out.value(QLatin1String("path")).toString(), path);
        QCOMPARE(out.value(QLatin1String("orig_name")).toString(), QStringLiteral("echo.bin"));
        QCOMPARE(out.value(QLatin1String("size")).toInteger(), 5);
        const QString url = out.value(QLatin1String("url")).toString();
        QCOMPARE(url, QStringLiteral("http://localhost/gradio_api/file=") + path);
        const RawResponse back = rawRequest(port, "GET " + QUrl(url).toEncoded(QUrl::RemoveScheme | QUrl::RemoveAuthority)
                                                      + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
        QCOMPARE(back.body, QByteArray("echo!"));
    }

    void resultFromTheTempFolderGoesIntoTheCache()
    {
        const RawResponse r = run("make", {});
        QCOMPARE(r.status, 200);
        const QJsonObject out = outputs(r).at(0).toArray().at(0).toObject();
        const QString path = out.value(QLatin1String("path")).toString();
        QVERIFY2(path.startsWith(folder.path() + QStringLiteral("/files/cache/")), qPrintable(path));
        QCOMPARE(QFileInfo(path).fileName(), QStringLiteral("report.txt"));
        QCOMPARE(out.value(QLatin1String("mime_type")).toString(), QStringLiteral("text/plain"));
        const RawResponse back = rawRequest(port, "GET /gradio_api/file=" + path.toUtf8() + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
        QCOMPARE(back.body, QByteArray("made here"));
    }

    void resultOutsideTheAllowedFoldersFailsTheCall()
    {
        const RawResponse r = run("leak", {});
        QCOMPARE(r.status, 500);
        QVERIFY(!r.body.contains("gradio/file="));
    }

    void argumentsMustHaveBeenUploaded_data()
    {
        QTest::addColumn<QString>("path");
        QTest::newRow("system file") << QStringLiteral("/etc/passwd");
        QTest::newRow("traversal out of the upload folder") << folder.path() + QStringLiteral("/files/upload/../../secret");
        QTest::newRow("the folder itself") << folder.path() + QStringLiteral("/files/upload");
        QTest::newRow("relative") << QStringLiteral("cat.txt");
        QTest::newRow("file url") << QStringLiteral("file:///etc/passwd");
    }
    void argumentsMustHaveBeenUploaded()
    {
        QFETCH(QString, path);
        // The call fails as an event does in Gradio (/run answers 500 with the error), with a
        // message naming the parameter; the endpoint never runs.
        const RawResponse r = run("describe", {fileData(path)});
        QCOMPARE(r.status, 500);
        QVERIFY2(r.body.contains("Parameter 'file'") && r.body.contains("was not uploaded"), r.body.constData());
        // Nested in a list too.
        const RawResponse nested = run("count", {QJsonArray{fileData(upload("ok.txt", "ok")), fileData(path)}, QJsonValue()});
        QCOMPARE(nested.status, 500);
        QVERIFY2(nested.body.contains("Parameter 'files'"), nested.body.constData());
    }

    void listsAndOptionalFiles()
    {
        const QJsonObject a = fileData(upload("a.txt", "a")), b = fileData(upload("b.txt", "b"));
        QCOMPARE(outputs(run("count", {QJsonArray{a, b}, QJsonValue()})), (QJsonArray{2}));
        QCOMPARE(outputs(run("count", {QJsonArray{a}, b})), (QJsonArray{2}));
        // Not a file: a plain object is refused by the type check.
        const RawResponse r = run("describe", {QJsonObject{{QStringLiteral("path"), QStringLiteral("/etc/passwd")}}});
        QCOMPARE(r.status, 422);
    }

    void infoDescribesFilesAsFilepath()
    {
        const RawResponse r = rawRequest(port, "GET /gradio_api/info HTTP/1.1\r\nHost: localhost\r\n\r\n");
        const QJsonObject echo = QJsonDocument::fromJson(r.body).object().value(QLatin1String("named_endpoints")).toObject().value(QLatin1String("/echo")).toObject();
        const QJsonObject param = echo.value(QLatin1String("parameters")).toArray().at(0).toObject();
        QCOMPARE(param.value(QLatin1String("python_type")).toObject().value(QLatin1String("type")).toString(), QStringLiteral("filepath"));
        QVERIFY(param.value(QLatin1String("type")).toObject().value(QLatin1String("properties")).toObject().contains(QLatin1String("meta")));
    }

private:
    QString made;
    QTemporaryDir folder;
    std::unique_ptr<qradio::Server> server;
    quint16 port = 0;
};

QTEST_GUILESS_MAIN(tst_FileData)
#include "tst_filedata.moc"
