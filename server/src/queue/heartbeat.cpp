// SPDX-License-Identifier: MIT
#include "heartbeat.h"

#include "../http/exchange.h"
#include "queue.h"

namespace qradio::queue {

static const QByteArray kAlive = QByteArrayLiteral("data: ALIVE\n\n");

Heartbeats::Heartbeats(const RouteContext &context) : QObject(context.core), m_context(context), m_timer(this)
{
    connect(&m_timer, &QTimer::timeout, this, &Heartbeats::beat);
    connect(context.queue, &Queue::stopping, this, &Heartbeats::endAll);
    m_timer.start(context.options->heartbeatInterval);
}

void Heartbeats::hold(http::Exchange *exchange, const QString &session)
{
    m_context.out->beginStream(exchange, Session::streamHead());
    exchange->write(kAlive);
    if (m_context.queue->isStopped()) {
        exchange->end();
        return;
    }
    exchange->setBackground();
    Stream s{exchange, session, {}};
    s.open.start();
    m_streams.append(s);
}

void Heartbeats::beat()
{
    const qint64 limit = m_context.options->heartbeatStreamTimeout.count();
    m_streams.removeIf([this, limit](const Stream &s) {
        if (!s.exchange || !s.exchange->isOpen())
            return true;
        if (s.open.elapsed() >= limit && !m_context.queue->hasPendingEvents(s.session)) {
            s.exchange->end();
            return true;
        }
        s.exchange->write(kAlive);
        return false;
    });
}

void Heartbeats::endAll()
{
    m_timer.stop();
    for (const Stream &s : std::as_const(m_streams))
        if (s.exchange)
            s.exchange->end();
    m_streams.clear();
}

} // namespace qradio::queue
