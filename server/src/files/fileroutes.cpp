// SPDX-License-Identifier: MIT
// The file routes: GET/HEAD /gradio_api/file=<path> and /gradio_api/file/<path>, streamed from
// disk with Range, ETag and Last-Modified, only what the FileStore's policy admits; the upload
// and its progress stream (upload.cpp).
#include "../http/exchange.h"
#include "../routes.h"
#include "filesender.h"
#include "fileresponse.h"
#include "filestore.h"
#include "upload.h"

namespace qradio::files {

using http::Exchange;

//! Gradio's answer for anything not served, missing or forbidden alike (no existence oracle).
static Response notAllowed(const QString &requested)
{
    return Response::error(403, QStringLiteral("File not allowed: %1.").arg(requested));
}

static void serve(const RouteContext &c, Exchange *ex)
{
    const QString requested = ex->request().param(QStringLiteral("path"));
    // Remote URLs are never fetched (no server-side requests on a client's behalf): results
    // always carry local paths, so the clients never ask for one.
    const std::optional<ServableFile> file = c.files->policy().resolve(requested);
    if (!file) {
        c.out->respond(ex, notAllowed(requested));
        return;
    }
    auto handle = std::make_unique<QFile>(file->path);
    if (!handle->open(QIODevice::ReadOnly)) {
        c.out->respond(ex, notAllowed(requested));
        return;
    }
    FileResponseOptions options;
    // Uploads and results never change under their name: browsers may keep them.
    options.maxAge = file->root == Root::Allowed ? 0 : 3600;
    const FileResponse plan = planFileResponse(QFileInfo(file->path), fileRequestHeaders(ex->request()), options);
    FileSender::respond(c.out, ex, std::move(handle), plan);
}

void installRoutes(http::Router &r, const RouteContext &c)
{
    for (const QString &pattern : {QStringLiteral("/gradio_api/file=<path...>"), QStringLiteral("/gradio_api/file/<path...>")})
        r.addBuiltin("GET", pattern, [c](Exchange *ex) { serve(c, ex); }, http::Inline | http::LoginRequired);
    auto progress = std::make_shared<UploadProgress>();
    // Inline: the body goes to disk on the connection's thread as it arrives.
    r.addBuiltin("POST", QStringLiteral("/gradio_api/upload"), [c, progress](Exchange *ex) { upload(c, progress, ex); },
                 http::Inline | http::StreamedBody | http::LoginRequired);
    r.addBuiltin("GET", QStringLiteral("/gradio_api/upload_progress"),
                 [c, progress](Exchange *ex) { uploadProgress(c, progress, ex); }, http::Inline | http::LoginRequired);
}

} // namespace qradio::files
