// SPDX-License-Identifier: MIT
#include "session.h"

#include "../http/exchange.h"
#include "../http/responder.h"

#include <cerrno>
#include <unistd.h>

namespace qradio::mcp {

QByteArray sseEvent(const QByteArray &event, const QByteArray &data)
{
    return "event: " + event + "\ndata: " + data + "\n\n";
}

Response sseHead()
{
    Response head(200, {}, "text/event-stream");
    head.setHeader("Cache-Control", "no-cache, no-transform");
    head.setHeader("X-Accel-Buffering", "no");
    return head;
}

// ---- SseOutlet --------------------------------------------------------------------------------

SseOutlet::SseOutlet(http::Exchange *exchange) : m_exchange(exchange) {}

bool SseOutlet::send(const QByteArray &message)
{
    return sendEvent("message", message);
}

bool SseOutlet::sendEvent(const QByteArray &event, const QByteArray &data)
{
    return m_exchange && m_exchange->write(sseEvent(event, data));
}

bool SseOutlet::isOpen() const
{
    return m_exchange && m_exchange->isOpen();
}

void SseOutlet::keepAlive()
{
    if (m_exchange)
        m_exchange->write(": ping\n\n");
}

void SseOutlet::close()
{
    if (m_exchange)
        m_exchange->end();
}

// ---- StdioOutlet ------------------------------------------------------------------------------

bool StdioOutlet::send(const QByteArray &message)
{
    std::lock_guard lock(m_mutex);
    if (!m_open)
        return false;
    const QByteArray line = message + '\n';
    qsizetype done = 0;
    while (done < line.size()) {
        const ssize_t n = ::write(STDOUT_FILENO, line.constData() + done, size_t(line.size() - done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            m_open = false; // the client closed its end
            return false;
        }
        done += n;
    }
    return true;
}

// ---- PostReply --------------------------------------------------------------------------------

std::shared_ptr<PostReply> PostReply::create(http::Responder *out, http::Exchange *exchange, bool canStream,
                                             const QString &sessionId)
{
    std::shared_ptr<PostReply> reply(new PostReply(out, exchange, canStream, sessionId));
    std::weak_ptr<PostReply> weak = reply;
    QObject::connect(exchange, &http::Exchange::closed, exchange, [weak] {
        auto self = weak.lock();
        if (!self || self->m_done)
            return;
        self->m_done = true;
        // Taken out first: the callback may clear onClosed while it runs.
        const auto callback = std::exchange(self->onClosed, nullptr);
        if (callback)
            callback();
    });
    return reply;
}

PostReply::PostReply(http::Responder *out, http::Exchange *exchange, bool canStream, const QString &sessionId)
    : m_out(out), m_exchange(exchange), m_canStream(canStream), m_sessionId(sessionId)
{}

Response PostReply::head(int status, QByteArray body, QByteArray contentType) const
{
    Response r(status, std::move(body), std::move(contentType));
    if (!m_sessionId.isEmpty()) {
        r.setHeader("Mcp-Session-Id", m_sessionId.toLatin1());
        r.setHeader("Access-Control-Expose-Headers", "Mcp-Session-Id");
    }
    return r;
}

void PostReply::startStream()
{
    Response h = sseHead();
    if (!m_sessionId.isEmpty()) {
        h.setHeader("Mcp-Session-Id", m_sessionId.toLatin1());
        h.setHeader("Access-Control-Expose-Headers", "Mcp-Session-Id");
    }
    m_out->beginStream(m_exchange, h);
    m_streaming = true;
}

bool PostReply::notify(const QByteArray &message)
{
    if (m_done || !m_exchange)
        return false;
    if (!m_canStream)
        return false;
    if (!m_streaming)
        startStream();
    return m_exchange->write(sseEvent("message", message));
}

void PostReply::finish(const QByteArray &message)
{
    if (m_done || !m_exchange)
        return;
    m_done = true;
    if (m_streaming) {
        m_exchange->write(sseEvent("message", message));
        m_exchange->end();
        return;
    }
    m_out->respond(m_exchange, head(200, message, "application/json"));
}

void PostReply::abandon()
{
    if (m_done || !m_exchange)
        return;
    m_done = true;
    if (!m_streaming && m_canStream)
        startStream(); // an event stream that ends without an event: no answer, as MCP wants
    if (m_streaming) {
        m_exchange->end();
        return;
    }
    m_out->respond(m_exchange, head(202, {}, {}));
}

bool PostReply::isOpen() const
{
    return !m_done && m_exchange && m_exchange->isOpen();
}

void PostReply::keepAlive()
{
    if (m_streaming && !m_done && m_exchange)
        m_exchange->write(": ping\n\n");
}

} // namespace qradio::mcp
