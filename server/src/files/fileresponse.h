// SPDX-License-Identifier: MIT
#pragma once

#include <qradio/http.h>

#include <QByteArray>
#include <QByteArrayView>
#include <QDateTime>
#include <QFileInfo>
#include <QMimeType>
#include <QString>

namespace qradio::files {

//! An inclusive byte range, as in `Content-Range: bytes first-last/size`.
struct ByteRange
{
    qint64 first = 0;
    qint64 last = -1;
    qint64 length() const { return last - first + 1; }
    friend bool operator==(const ByteRange &, const ByteRange &) = default;
};

//! What a `Range` header asks of a file.
struct RangeRequest
{
    enum class Kind {
        Whole,         //!< no usable range: serve the whole file (200)
        Partial,       //!< serve `range` (206)
        Unsatisfiable, //!< 416 with `Content-Range: bytes */size`
    };
    Kind kind = Kind::Whole;
    ByteRange range; //!< when Partial
};

//! Reads a `Range` header (RFC 9110 §14.2) for a file of `size` bytes: one `bytes=a-b`, `bytes=a-`
//! or `bytes=-n`, the end clamped to the file. Several ranges, another unit or bad syntax are
//! ignored (Whole), which RFC 9110 allows; a start at or past the end, or `-0`, is Unsatisfiable.
//! An empty file is always Whole: there is nothing to slice, and players that always send
//! `bytes=0-` would fail on a 416.
RangeRequest parseRange(QByteArrayView header, qint64 size);

//! A strong, quoted ETag: a digest of size, modification time (nanoseconds where the platform
//! has them), device and inode, so the inode number is not disclosed (CVE-2003-1418).
QByteArray etagFor(const QFileInfo &file);

//! `time` as an IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`; empty when invalid.
QByteArray httpDate(const QDateTime &time);
//! Any of the three HTTP date formats (IMF-fixdate, RFC 850, asctime) in UTC; invalid otherwise.
QDateTime parseHttpDate(QByteArrayView text);

//! True when an `If-None-Match` value (a list of entity tags or `*`) matches `etag` by weak
//! comparison (RFC 9110 §8.8.3.2: `W/` ignored). A malformed list matches nothing.
bool ifNoneMatchMatches(QByteArrayView header, QByteArrayView etag);

//! The type of a file by its name, or by its content when the name tells nothing (`blob`).
QMimeType mimeTypeFor(const QFileInfo &file);
//! True for the types Gradio serves inline because a browser cannot run script from them
//! (spec 6.4 step 5): a few image, audio and video types, `text/plain`, `application/json`.
bool isSafeInline(QStringView mimeName);
//! The name on that list `mime` is or is an alias of (`audio/wav` → `audio/x-wav`); empty if none.
QString safeInlineName(const QMimeType &mime);

//! A `Content-Disposition` value (RFC 6266): `inline` or `attachment`, `filename="…"` with every
//! non-printable-ASCII, `"` and `\` replaced by `_`, and `filename*=UTF-8''…` (RFC 8187) whenever
//! that fallback is not the exact name. Never contains CR, LF or other control characters.
QByteArray contentDisposition(bool asAttachment, const QString &fileName);

//! The request headers that shape a file response; empty means absent. Join repeated
//! `If-None-Match` lines with ", "; pass a request with several `Range` lines as having none.
struct FileRequestHeaders
{
    QByteArray range;
    QByteArray ifRange;
    QByteArray ifNoneMatch;
    QByteArray ifModifiedSince;
};

//! The shaping headers of `request`, as FileRequestHeaders asks for them.
FileRequestHeaders fileRequestHeaders(const Request &request);

struct FileResponseOptions
{
    //! Serve any type inline, as Gradio does for `allowed_paths`; otherwise only isSafeInline()
    //! types are, and anything else (HTML, SVG, ...) goes as an `application/octet-stream` attachment.
    bool inlineAnyType = false;
    //! `Cache-Control: private, max-age=N` when > 0 (upload and cache files never change), else
    //! `private, no-cache` (revalidate through the ETag).
    int maxAge = 0;
    //! The name in `Content-Disposition`; the file's own name when empty.
    QString downloadName;
    //! For a site's own files (Server::serveFolder()), each replacing what the fields above
    //! decide when set: the `Content-Type` (then no `Content-Disposition` is sent), the
    //! `Cache-Control`, and the ETag (resources have no inode for etagFor()).
    QByteArray contentType;
    QByteArray cacheControl;
    QByteArray etag;
};

//! What to answer to GET or HEAD of a file. `Content-Length` is not among the headers: it is
//! `length` (also for HEAD, which sends no body).
struct FileResponse
{
    int status = 200;   //!< 200, 206, 304 or 416
    HeaderList headers;
    qint64 offset = 0;  //!< first byte of the file to send
    qint64 length = 0;  //!< bytes to send; 0 for 304 and 416
};

//! Plans the answer for an existing regular file (FilePolicy::resolve() admitted it): conditional
//! requests first (`If-None-Match`, else `If-Modified-Since` → 304), then `Range` unless
//! `If-Range` names another version (strong ETag or exact Last-Modified date).
//! Always sends `X-Content-Type-Options: nosniff`.
FileResponse planFileResponse(const QFileInfo &file, const FileRequestHeaders &request,
                              const FileResponseOptions &options = {});

} // namespace qradio::files
