// SPDX-License-Identifier: MIT
#include "filedata.h"

#include "filename.h"
#include "filestore.h"
#include "urlfetch.h"

#include <qradio/error.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonObject>
#include <QMimeDatabase>
#include <QUrl>

#include <stdexcept>

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

namespace qradio::files {

//! Deeper values are left alone: no client nests files that far, and the walk stays bounded.
static constexpr int kMaxDepth = 32;

bool isFileData(const QJsonObject &object)
{
    return object.value(QLatin1String("path")).isString()
        && object.value(QLatin1String("meta")).toObject().value(QLatin1String("_type")).toString() == QLatin1String("gradio.FileData");
}

//! Calls `visit` on every FileData object in `value` and writes back what it returns.
static void walk(QJsonValue &value, const std::function<QJsonObject(const QJsonObject &)> &visit, int depth = 0)
{
    if (depth > kMaxDepth)
        return;
    if (value.isArray()) {
        QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            QJsonValue item = array.at(i);
            walk(item, visit, depth + 1);
            array[i] = item;
        }
        value = array;
    } else if (value.isObject()) {
        QJsonObject object = value.toObject();
        if (isFileData(object)) {
            value = visit(object);
            return;
        }
        for (auto it = object.begin(); it != object.end(); ++it) {
            QJsonValue item = it.value();
            walk(item, visit, depth + 1);
            it.value() = item;
        }
        value = object;
    }
}

//! All seven fields, from what is known of the file at `path`.
static QJsonObject complete(QJsonObject object, const QString &path, const QString &url)
{
    const QFileInfo info(path);
    object.insert(QStringLiteral("path"), path);
    object.insert(QStringLiteral("url"), url);
    object.insert(QStringLiteral("size"), info.size());
    if (object.value(QLatin1String("orig_name")).toString().isEmpty())
        object.insert(QStringLiteral("orig_name"), info.fileName());
    if (object.value(QLatin1String("mime_type")).toString().isEmpty())
        object.insert(QStringLiteral("mime_type"), QMimeDatabase().mimeTypeForFile(info, QMimeDatabase::MatchExtension).name());
    if (!object.contains(QLatin1String("is_stream")))
        object.insert(QStringLiteral("is_stream"), false);
    return object;
}

//! Gradio's is_http_url_like.
static bool isHttpUrl(const QString &text)
{
    return text.startsWith(QLatin1String("http://")) || text.startsWith(QLatin1String("https://"));
}

void prepareInputs(const FileStore &store, const QStringList &parameterNames, QJsonArray &args, QList<RemoteFile> *remote,
                   int maxRemote, const QHash<QString, QString> &fetched)
{
    for (qsizetype i = 0; i < args.size(); ++i) {
        QJsonValue value = args.at(i);
        const QString name = parameterNames.value(i);
        walk(value, [&](const QJsonObject &file) {
            QString path = file.value(QLatin1String("path")).toString();
            if (isHttpUrl(path)) {
                if (const auto local = fetched.constFind(path); local != fetched.cend()) {
                    path = *local;
                } else if (!remote || maxRemote <= 0) {
                    throw ArgumentError(name, QStringLiteral("Parameter '%1': this server does not download files from "
                                                             "URLs; upload the file (handle_file() of a local file).")
                                                  .arg(name));
                } else {
                    if (remote->size() >= maxRemote)
                        throw ArgumentError(name, QStringLiteral("Parameter '%1': a call may name at most %2 files by URL.")
                                                      .arg(name)
                                                      .arg(maxRemote));
                    remote->append({path, name});
                    return file;
                }
            }
            const std::optional<ServableFile> found = store.policy().resolve(path);
            if (!found || found->root == Root::Allowed)
                throw ArgumentError(name, QStringLiteral("Parameter '%1': the file '%2' was not uploaded to this server; "
                                                         "send it with handle_file() (POST /gradio_api/upload) first.")
                                              .arg(name, path));
            return complete(file, found->path, QStringLiteral("/gradio_api/file=") + found->path);
        });
        args[i] = value;
    }
}

//! Puts `source` into the cache under a fresh folder: a hard link when it can (no copy), else a copy.
static QString intoCache(const FileStore &store, const QString &source, const QString &name)
{
    const QString folder = store.cacheDir() + QLatin1Char('/') + uniqueFolderName();
    if (!QDir().mkdir(folder))
        throw std::runtime_error("cannot create a cache folder for a result file");
    const QString target = folder + QLatin1Char('/') + sanitizeFileName(name);
#ifdef Q_OS_UNIX
    if (::link(QFile::encodeName(source).constData(), QFile::encodeName(target).constData()) == 0)
        return target;
#endif
    if (!QFile::copy(source, target))
        throw std::runtime_error(QStringLiteral("cannot copy the result file %1 into the cache").arg(source).toStdString());
    return target;
}

void prepareOutputs(const FileStore &store, QJsonArray &outputs, const std::function<QString()> &root)
{
    QString rootUrl;
    bool haveRoot = false;
    for (qsizetype i = 0; i < outputs.size(); ++i) {
        QJsonValue value = outputs.at(i);
        walk(value, [&](const QJsonObject &file) {
            const QString path = file.value(QLatin1String("path")).toString();
            const std::optional<ServableFile> found = store.resultPolicy().resolve(path);
            if (!found)
                throw std::runtime_error(QStringLiteral("the endpoint returned the file %1, which may not be served: results "
                                                        "must be readable files under the temp folder, the file folder or "
                                                        "allowedPaths (and not blocked or hidden)")
                                             .arg(path)
                                             .toStdString());
            QString served = found->path;
            if (found->root == Root::Allowed) { // from elsewhere: into the cache, so that it stays as it was
                const QString name = file.value(QLatin1String("orig_name")).toString();
                served = intoCache(store, found->path, name.isEmpty() ? QFileInfo(found->path).fileName() : name);
            }
            if (!std::exchange(haveRoot, true))
                rootUrl = root();
            return complete(file, served, rootUrl + QStringLiteral("/gradio_api/file=") + served);
        });
        outputs[i] = value;
    }
}

QJsonObject fileFromText(const FileStore &store, const QString &text, const QString &parameterName)
{
    const auto refuse = [&](const QString &why) {
        return ArgumentError(parameterName, QStringLiteral("Parameter '%1': %2").arg(parameterName, why));
    };
    if (isHttpUrl(text)) {
        const QUrl url(text, QUrl::StrictMode);
        if (!url.isValid() || url.host().isEmpty())
            throw refuse(QStringLiteral("'%1' is not a valid URL.").arg(text.left(200)));
        const QString name = url.fileName();
        return QJsonObject{{QStringLiteral("path"), text},
                           {QStringLiteral("url"), text},
                           {QStringLiteral("orig_name"), name.isEmpty() ? QStringLiteral("file") : name},
                           {QStringLiteral("meta"), QJsonObject{{QStringLiteral("_type"), QStringLiteral("gradio.FileData")}}}};
    }
    // data:[<type>][;base64],<data> (RFC 2397); only base64 carries binary files intact.
    const qsizetype comma = text.indexOf(QLatin1Char(','));
    if (!text.startsWith(QLatin1String("data:")) || comma < 0 || !text.left(comma).endsWith(QLatin1String(";base64")))
        throw refuse(QStringLiteral("invalid file data: give an http(s) URL or a data: URL (data:<type>;base64,<data>). "
                                    "Received: %1")
                         .arg(text.left(60)));
    const QString type = text.mid(5, comma - 5 - 7).section(QLatin1Char(';'), 0, 0).trimmed().toLower();
    auto decoded = QByteArray::fromBase64Encoding(QStringView(text).sliced(comma + 1).toLatin1(),
                                                  QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        throw refuse(QStringLiteral("the data: URL is not valid base64."));
    const QMimeType mime = QMimeDatabase().mimeTypeForName(type.isEmpty() ? QStringLiteral("application/octet-stream") : type);
    const QString suffix = mime.isValid() && !mime.preferredSuffix().isEmpty() ? mime.preferredSuffix() : QStringLiteral("bin");
    const QString folder = store.uploadDir() + QLatin1Char('/') + uniqueFolderName();
    const QString path = folder + QStringLiteral("/file.") + suffix;
    QFile out(path);
    if (!QDir().mkdir(folder) || !out.open(QIODevice::WriteOnly | QIODevice::NewOnly) || out.write(*decoded) != decoded.decoded.size())
        throw std::runtime_error("cannot store a file given as a data: URL");
    return complete(QJsonObject{{QStringLiteral("meta"), QJsonObject{{QStringLiteral("_type"), QStringLiteral("gradio.FileData")}}}},
                    path, QStringLiteral("/gradio_api/file=") + path);
}

} // namespace qradio::files
