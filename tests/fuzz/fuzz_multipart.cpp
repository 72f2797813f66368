// SPDX-License-Identifier: MIT
// libFuzzer target for qradio::files::MultipartParser. The first input byte picks the boundary
// and a read size, the second the limits and whether a handler aborts; the rest is the body.
// Besides the sanitizers' checks, these oracles:
//  - the events do not depend on how the body is split into reads: fed whole, in reads of the
//    chosen size and byte by byte, the same events (data runs joined) and the same verdict;
//  - the parser keeps its promises: what it holds stays below the delimiter's length while data
//    streams (and a header's limit otherwise), no part's data passes its limit or contains a
//    delimiter, no callback follows an error, an error has a 4xx status and a message and is final;
//  - a body it accepted, written out again canonically, gives the same parts;
//  - a boundary taken from a Content-Type (the body's first line) is one the parser accepts.
#include "files/multipart.h"

#include <QList>

#include <cstdint>
#include <cstdlib>

using qradio::files::MultipartParser;

namespace {

void require(bool condition)
{
    if (!condition)
        std::abort();
}

struct Setup
{
    QByteArray boundary;
    MultipartParser::Limits limits;
    qsizetype step = 1;
    bool abortOnStop = false; //!< a part named "stop" fails the parse in partBegin (507)
};

struct Part
{
    MultipartParser::Part head;
    QByteArray data;
    bool ended = false;
};

struct Outcome
{
    QList<Part> parts;
    int status = 0; //!< 0: accepted
    QByteArray message;
    bool operator==(const Outcome &o) const
    {
        if (parts.size() != o.parts.size() || status != o.status || message != o.message)
            return false;
        for (qsizetype i = 0; i < parts.size(); ++i) {
            const Part &a = parts[i];
            const Part &b = o.parts[i];
            if (a.head.name != b.head.name || a.head.fileName != b.head.fileName || a.head.contentType != b.head.contentType
                || a.data != b.data || a.ended != b.ended)
                return false;
        }
        return true;
    }
};

//! Feeds `body` in reads of `step` bytes (0: whole) and checks the parser's promises on the way.
Outcome parse(const Setup &s, QByteArrayView body, qsizetype step)
{
    Outcome out;
    const qsizetype delimiterLength = s.boundary.size() + 4;
    const qsizetype bound = std::max<qsizetype>(delimiterLength, s.limits.maxHeaderBytes + 1);
    MultipartParser *self = nullptr;
    MultipartParser parser(s.boundary, s.limits,
        {.partBegin = [&](const MultipartParser::Part &head) {
             require(!self->hasError() && (out.parts.isEmpty() || out.parts.last().ended));
             out.parts.append({head, {}, false});
             if (s.abortOnStop && head.name == "stop")
                 self->raiseError(507, "Disk full.");
         },
         .partData = [&](QByteArrayView data) {
             require(!self->hasError() && !data.isEmpty() && !out.parts.isEmpty() && !out.parts.last().ended);
             require(self->bufferedBytes() <= delimiterLength);
             Part &part = out.parts.last();
             part.data += data;
             const qint64 limit = part.head.isFile() ? s.limits.maxFileBytes : s.limits.maxFieldBytes;
             require(limit < 0 || part.data.size() <= limit);
         },
         .partEnd = [&] {
             require(!self->hasError() && !out.parts.isEmpty() && !out.parts.last().ended);
             out.parts.last().ended = true;
         }});
    self = &parser;
    bool fed = true;
    for (qsizetype at = 0; at < body.size() && fed;) {
        const qsizetype n = step ? std::min(step, body.size() - at) : body.size() - at;
        fed = parser.feed(body.sliced(at, n));
        at += n;
        require(fed == !parser.hasError());
        require(parser.bufferedBytes() <= bound);
    }
    require(parser.finish() == !parser.hasError());
    if (parser.hasError()) {
        out.status = parser.errorStatus();
        out.message = parser.errorMessage();
        require(out.status == 400 || out.status == 413 || out.status == 507);
        require(!out.message.isEmpty());
        require(!parser.feed("--") && !parser.finish() && parser.errorStatus() == out.status);
    } else {
        for (const Part &part : std::as_const(out.parts))
            require(part.ended);
    }
    // Part data never holds a delimiter: "\r\n--" boundary then '-', CR or transport padding.
    const QByteArray delimiter = "\r\n--" + s.boundary;
    for (const Part &part : std::as_const(out.parts)) {
        for (qsizetype at = part.data.indexOf(delimiter); at >= 0; at = part.data.indexOf(delimiter, at + 1)) {
            const qsizetype next = at + delimiter.size();
            require(next == part.data.size() || !QByteArrayView("-\r \t").contains(part.data[next]));
            require(next < part.data.size() || !part.ended);
        }
    }
    return out;
}

//! The parts written out again: quoted names, filename* for every file name, the same data.
QByteArray rewrite(const QByteArray &boundary, const QList<Part> &parts)
{
    QByteArray body;
    for (const Part &part : parts) {
        QByteArray name = part.head.name;
        name.replace('\\', "\\\\").replace('"', "\\\"");
        body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + '"';
        if (part.head.isFile())
            body += "; filename*=UTF-8''" + part.head.fileName->toPercentEncoding();
        body += "\r\n";
        if (!part.head.contentType.isEmpty())
            body += "Content-Type: " + part.head.contentType + "\r\n";
        body += "\r\n" + part.data + "\r\n";
    }
    return body + "--" + boundary + "--\r\n";
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size < 2)
        return 0;
    static const QByteArray boundaries[] = {"b", "xyz", "----WebKitFormBoundary7MA4YWxkTrZu0gW", "a'()+_,-./:=? z"};
    Setup s;
    s.boundary = boundaries[data[0] % 4];
    s.step = 1 + (data[0] >> 2) % 32;
    const std::uint8_t knobs = data[1];
    s.limits.maxFiles = knobs & 1 ? 2 : 1000;
    s.limits.maxFields = knobs & 2 ? 2 : 1000;
    s.limits.maxHeaderBytes = knobs & 4 ? 64 : 8192;
    s.limits.maxFileBytes = knobs & 8 ? 16 : -1;
    s.limits.maxFieldBytes = knobs & 16 ? 8 : 1024 * 1024;
    s.abortOnStop = knobs & 32;
    const QByteArrayView body(reinterpret_cast<const char *>(data) + 2, qsizetype(size - 2));

    // Whatever boundaryFromContentType() takes from a header is a boundary the parser accepts.
    if (const auto found = MultipartParser::boundaryFromContentType(body.first(body.indexOf('\r') < 0 ? body.size() : body.indexOf('\r'))))
        require(MultipartParser::isValidBoundary(*found));

    const Outcome whole = parse(s, body, 0);
    require(parse(s, body, s.step) == whole);
    require(parse(s, body, 1) == whole);
    if (whole.status == 0) {
        // The rewritten body must give the same parts, within the same limits (the header
        // count may differ: the rewrite may quote and percent-encode more).
        Setup roomy = s;
        roomy.limits.maxHeaderBytes = 1 << 20;
        require(parse(roomy, rewrite(s.boundary, whole.parts), 0) == whole);
    }
    return 0;
}
