// SPDX-License-Identifier: MIT
// A Server::serveFolder() mount on the wire: the checked path (staticpath.h), the file the folder
// has for it (staticfolder.h), its type and caching, then the same planning and streaming as the
// file= routes (fileresponse.h, filesender.h).
#include "../http/exchange.h"
#include "../routes.h"
#include "filesender.h"
#include "fileresponse.h"
#include "staticfolder.h"
#include "staticpath.h"


namespace qradio::files {

using http::Exchange;

namespace {

//! Types the MIME database of older systems lacks or names by an obsolete alias.
QByteArray knownType(const QString &name)
{
    const QString suffix = name.mid(name.lastIndexOf(u'.') + 1).toLower();
    if (suffix == u"wasm")
        return "application/wasm"; // instantiateStreaming() refuses anything else
    if (suffix == u"map")
        return "application/json";
    if (suffix == u"webmanifest")
        return "application/manifest+json";
    return {};
}

QByteArray contentTypeOf(const QFileInfo &file)
{
    if (const QByteArray known = knownType(file.fileName()); !known.isEmpty())
        return known;
    const QMimeType mime = mimeTypeFor(file);
    QByteArray type = mime.isValid() ? mime.name().toLatin1() : QByteArray("application/octet-stream");
    // By name: application/json is a sub-class of application/javascript in shared-mime-info.
    if (type == "application/javascript" || type == "application/x-javascript" || type == "application/ecmascript")
        type = "text/javascript"; // RFC 9239
    if (type.startsWith("text/"))
        type += "; charset=utf-8";
    return type;
}

QByteArray cacheControlOf(const QString &relative, const QByteArray &type, bool index, int maxAge)
{
    if (index || type.startsWith("text/html"))
        return "no-cache"; // the page names the hashed files: it must always be fresh
    if (isHashedName(relative))
        return "public, max-age=31536000, immutable";
    return maxAge > 0 ? "max-age=" + QByteArray::number(maxAge) : QByteArray("no-cache");
}

bool acceptsHtml(const Request &request)
{
    for (const auto &[name, value] : request.headers) {
        if (name.compare("accept", Qt::CaseInsensitive) == 0 && value.contains("text/html"))
            return true;
    }
    return false;
}

Response notFound()
{
    Response r = Response::error(404, QStringLiteral("Not Found"));
    r.setHeader("X-Content-Type-Options", "nosniff");
    return r;
}

void serveFile(const RouteContext &c, const StaticFolder &folder, Exchange *ex, const QString &path,
               const QString &relative, bool index)
{
    auto handle = std::make_unique<QFile>(path);
    if (!handle->open(QIODevice::ReadOnly)) {
        c.out->respond(ex, notFound());
        return;
    }
    const QFileInfo info(path);
    FileResponseOptions options;
    options.contentType = contentTypeOf(info);
    options.cacheControl = cacheControlOf(relative, options.contentType, index, folder.options().maxAge);
    options.etag = folder.etag(info);
    FileSender::respond(c.out, ex, std::move(handle), planFileResponse(info, fileRequestHeaders(ex->request()), options));
}

void serve(const RouteContext &c, const StaticFolder &folder, const QByteArray &prefix, Exchange *ex)
{
    const Request &request = ex->request();
    // The path as the client encoded it: an encoded `/` or `%` must stay visible to the check.
    const QByteArray encoded = request.url.path(QUrl::FullyEncoded).toUtf8();
    if (!encoded.startsWith(prefix + '/') && encoded != prefix) {
        c.out->respond(ex, notFound());
        return;
    }
    const std::optional<QString> relative = staticRelativePath(QByteArrayView(encoded).sliced(std::min(encoded.size(), prefix.size() + 1)));
    if (!relative) {
        c.out->respond(ex, notFound());
        return;
    }
    const StaticFolder::Target target = folder.resolve(encoded == prefix ? QString() : *relative);
    if (target.kind == StaticFolder::Target::Kind::NeedsSlash || (encoded == prefix && target.kind == StaticFolder::Target::Kind::File)) {
        // Relative to the request, so it holds behind a proxy that mounts the app deeper.
        const QByteArray last = encoded.mid(encoded.lastIndexOf('/') + 1);
        QByteArray location = last + '/';
        if (const QByteArray query = request.url.query(QUrl::FullyEncoded).toUtf8(); !query.isEmpty())
            location += '?' + query;
        Response r(301, {}, {});
        r.setHeader("Location", location);
        c.out->respond(ex, r);
        return;
    }
    if (target.kind == StaticFolder::Target::Kind::File) {
        serveFile(c, folder, ex, target.path, *relative, relative->isEmpty() || relative->endsWith(u'/'));
        return;
    }
    const bool fallback = folder.options().spaFallback && (request.method == "GET" || request.method == "HEAD") && !hasExtension(*relative)
        && acceptsHtml(request) && !(prefix.isEmpty() && relative->startsWith(u"gradio_api/"));
    if (fallback) {
        const StaticFolder::Target index = folder.resolve(QString());
        if (index.kind == StaticFolder::Target::Kind::File) {
            serveFile(c, folder, ex, index.path, QString(), true);
            return;
        }
    }
    c.out->respond(ex, notFound());
}

} // namespace

std::function<void(Exchange *)> folderRoute(const RouteContext &context, std::shared_ptr<const StaticFolder> folder,
                                            const QString &prefix)
{
    const QByteArray encodedPrefix = QUrl(prefix).path(QUrl::FullyEncoded).toUtf8();
    return [c = context, folder = std::move(folder), encodedPrefix](Exchange *ex) { serve(c, *folder, encodedPrefix, ex); };
}

} // namespace qradio::files
