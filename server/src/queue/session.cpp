// SPDX-License-Identifier: MIT
#include "session.h"

#include "../http/exchange.h"

namespace qradio::queue {

static const QByteArray kCloseStream = "data: {\"msg\":\"close_stream\",\"event_id\":null}\n\n";

Session::Session(QString hash, Flavour flavour, QObject *parent)
    : QObject(parent), m_hash(std::move(hash)), m_flavour(flavour)
{
    connect(&m_heartbeat, &QTimer::timeout, this, &Session::heartbeat);
}

Response Session::streamHead()
{
    Response head(200, {}, "text/event-stream; charset=utf-8");
    head.setHeader("Cache-Control", "no-cache");
    head.setHeader("X-Accel-Buffering", "no");
    return head;
}

void Session::push(Frame frame)
{
    m_outbox.append(std::move(frame));
    if (m_stream)
        drain();
}

void Session::attach(http::Exchange *exchange, std::chrono::milliseconds heartbeat)
{
    if (m_stream) {
        m_stream->disconnect(this);
        m_stream->end();
    }
    m_stream = exchange;
    connect(exchange, &http::Exchange::closed, this, [this] {
        m_heartbeat.stop();
        m_stream = nullptr;
        if (!m_pending.isEmpty())
            Q_EMIT streamLost(this);
        else if (isIdle())
            Q_EMIT idle(this);
    });
    m_heartbeat.start(heartbeat);
    drain();
}

void Session::drain()
{
    while (m_stream && !m_outbox.isEmpty()) {
        const Frame frame = m_outbox.takeFirst();
        if (!frame.bytes.isEmpty() && !m_stream->write(frame.bytes))
            return; // the stream is gone; closed() reports it
        if (!frame.completesEvent.isEmpty())
            m_pending.remove(frame.completesEvent);
    }
    if (m_stream && m_pending.isEmpty()) {
        if (m_flavour == Flavour::Queue)
            m_stream->write(kCloseStream);
        endStream();
    }
}

void Session::heartbeat()
{
    if (!m_stream)
        return;
    m_stream->write(m_flavour == Flavour::Queue ? QByteArray("data: {\"msg\":\"heartbeat\",\"event_id\":null}\n\n")
                                                : QByteArray("event: heartbeat\ndata: null\n\n"));
}

void Session::endStream()
{
    m_heartbeat.stop();
    if (m_stream) {
        m_stream->disconnect(this);
        m_stream->end();
        m_stream = nullptr;
    }
    if (isIdle())
        Q_EMIT idle(this);
}

void Session::shutdown(const QByteArray &finalFrame)
{
    m_pending.clear();
    m_outbox.clear();
    if (m_stream && !finalFrame.isEmpty())
        m_stream->write(finalFrame);
    if (m_stream && m_flavour == Flavour::Queue)
        m_stream->write(kCloseStream);
    endStream();
}

} // namespace qradio::queue
