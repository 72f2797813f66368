// SPDX-License-Identifier: MIT
// libFuzzer target for qradio::http::RequestFramer. Besides the sanitizers' checks, two oracles:
//  - the events do not depend on how the bytes are split into reads (the first input byte picks
//    the read size; the same bytes fed whole must give the same events);
//  - the framer keeps its own promises: it never consumes more than it was given, an error is
//    final, a body never passes the limit, and every call either consumes or reports.
#include "http/framer.h"

#include <QString>

#include <cstdint>
#include <cstdlib>

using qradio::http::RequestFramer;

namespace {

constexpr qint64 kMaxHeader = 2048;
constexpr qint64 kMaxBody = 4096;

void require(bool condition)
{
    if (!condition)
        std::abort();
}

//! Feeds `bytes` in reads of `step` bytes; returns the events as text.
QByteArray run(QByteArrayView bytes, qsizetype step)
{
    RequestFramer framer({kMaxHeader, kMaxBody});
    QByteArray events;
    bool failed = false;
    for (qsizetype at = 0; at < bytes.size() && !failed;) {
        const qsizetype n = std::min(step, bytes.size() - at);
        QByteArrayView piece = bytes.sliced(at, n);
        at += n;
        while (!piece.isEmpty()) {
            qsizetype used = -1;
            const RequestFramer::Event e = framer.feed(piece, &used);
            require(used >= 0 && used <= piece.size());
            require(framer.bodyReceived() <= kMaxBody);
            if (e == RequestFramer::Event::Error) {
                require(framer.errorStatus() >= 400 && framer.errorStatus() < 600 && !framer.errorMessage().isEmpty());
                qsizetype again = -1;
                require(framer.feed("GET / HTTP/1.1\r\nHost: x\r\n\r\n", &again) == RequestFramer::Event::Error && again == 0);
                events += 'E' + QByteArray::number(framer.errorStatus());
                failed = true;
                break;
            }
            if (e == RequestFramer::Event::NeedMore) {
                require(used == piece.size());
            } else if (e == RequestFramer::Event::Head) {
                const auto &h = framer.head();
                require(!h.method.isEmpty() && (h.minor == 0 || h.minor == 1));
                require(h.contentLength >= 0 && h.contentLength <= kMaxBody);
                require(!(h.chunked && h.contentLength));
                events += "H" + h.method + QByteArray::number(h.minor) + (h.chunked ? "c" : "") + QByteArray::number(h.contentLength);
                if (framer.phase() == RequestFramer::Phase::Idle)
                    events += 'C';
            } else {
                events += 'C';
            }
            piece = piece.sliced(used);
        }
    }
    return events;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size < 1)
        return 0;
    const qsizetype step = 1 + data[0] % 32;
    const QByteArrayView bytes(reinterpret_cast<const char *>(data) + 1, qsizetype(size - 1));
    require(run(bytes, step) == run(bytes, std::max<qsizetype>(bytes.size(), 1)));
    return 0;
}
