// SPDX-License-Identifier: MIT
#include "filesender.h"

#include "../http/exchange.h"
#include "../http/responder.h"
#include "fileresponse.h"

#include <QScopedValueRollback>

namespace qradio::files {

static constexpr qint64 kPiece = 64 * 1024;
//! Unsent bytes at which reading pauses until the client takes more.
static constexpr qint64 kAhead = 4 * kPiece;

void FileSender::start(http::Exchange *exchange, std::unique_ptr<QFile> file, qint64 offset, qint64 length)
{
    if (!file->seek(offset)) {
        exchange->abort(); // the head promised bytes that cannot come
        return;
    }
    auto *sender = new FileSender(exchange, std::move(file), length);
    sender->pump();
}

void FileSender::respond(http::Responder *out, http::Exchange *exchange, std::unique_ptr<QFile> file,
                         const FileResponse &plan)
{
    Response head(plan.status, {}, {});
    for (const auto &[name, value] : plan.headers)
        head.addHeader(name, value);
    if (plan.status == 304 || plan.status == 416) {
        out->respond(exchange, head);
        return;
    }
    out->beginStream(exchange, head, plan.length);
    if (exchange->isHead())
        return; // the head is the whole answer
    if (plan.length == 0) {
        exchange->end();
        return;
    }
    start(exchange, std::move(file), plan.offset, plan.length);
}

FileSender::FileSender(http::Exchange *exchange, std::unique_ptr<QFile> file, qint64 length)
    : QObject(exchange), m_exchange(exchange), m_file(std::move(file)), m_remaining(length)
{
    // A child of the exchange: it goes with it when the client does.
    connect(exchange, &http::Exchange::written, this, &FileSender::pump);
}

void FileSender::pump()
{
    if (!m_exchange || m_pumping)
        return; // the loop below goes on by itself
    const QScopedValueRollback pumping(m_pumping, true);
    while (m_remaining > 0 && m_exchange->buffered() < kAhead) {
        const QByteArray piece = m_file->read(std::min(kPiece, m_remaining));
        if (piece.isEmpty()) {
            // The file shrank or failed under us: the promised length cannot be met.
            m_exchange->abort();
            return;
        }
        m_remaining -= piece.size();
        if (!m_exchange->write(piece))
            return;
    }
    if (m_remaining == 0) {
        m_remaining = -1;
        m_exchange->end(); // the exchange deletes itself, and this with it
    }
}

} // namespace qradio::files
