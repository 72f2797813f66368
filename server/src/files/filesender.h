// SPDX-License-Identifier: MIT
#pragma once

#include <QFile>
#include <QObject>
#include <QPointer>

namespace qradio::http {
class Exchange;
}

namespace qradio::files {

//! Streams a byte range of an open file to an exchange whose fixed-length head has gone out,
//! a piece at a time: the next piece is read only once the client has taken most of the last,
//! so memory stays at a few pieces whatever the file's size and the client's speed. Lives on
//! the exchange's thread and deletes itself when done or when the client goes.
class FileSender : public QObject
{
public:
    //! Takes `file` (open, readable); sends `length` bytes from `offset`.
    static void start(http::Exchange *exchange, std::unique_ptr<QFile> file, qint64 offset, qint64 length);

private:
    FileSender(http::Exchange *exchange, std::unique_ptr<QFile> file, qint64 length);
    void pump();

    QPointer<http::Exchange> m_exchange;
    std::unique_ptr<QFile> m_file;
    qint64 m_remaining;
    bool m_pumping = false; //!< a direct send reports written() from inside write()
};

} // namespace qradio::files
