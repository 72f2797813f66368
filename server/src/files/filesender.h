// SPDX-License-Identifier: MIT
#pragma once

#include <QFile>
#include <QObject>
#include <QPointer>

namespace qradio::http {
class Exchange;
class Responder;
}

namespace qradio::files {

struct FileResponse;

//! Streams a byte range of an open file to an exchange whose fixed-length head has gone out,
//! a piece at a time: the next piece is read only once the client has taken most of the last,
//! so memory stays at a few pieces whatever the file's size and the client's speed. Lives on
//! the exchange's thread and deletes itself when done or when the client goes.
class FileSender : public QObject
{
public:
    //! Takes `file` (open, readable); sends `length` bytes from `offset`.
    static void start(http::Exchange *exchange, std::unique_ptr<QFile> file, qint64 offset, qint64 length);
    //! Answers with `plan` (planFileResponse()): its head through `out`, then, unless it is a
    //! 304, a 416 or a HEAD request, the planned bytes of `file` (open, readable) streamed.
    static void respond(http::Responder *out, http::Exchange *exchange, std::unique_ptr<QFile> file,
                        const FileResponse &plan);

private:
    FileSender(http::Exchange *exchange, std::unique_ptr<QFile> file, qint64 length);
    void pump();

    QPointer<http::Exchange> m_exchange;
    std::unique_ptr<QFile> m_file;
    qint64 m_remaining;
    bool m_pumping = false; //!< a direct send reports written() from inside write()
};

} // namespace qradio::files
