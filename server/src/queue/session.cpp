// SPDX-License-Identifier: MIT
#include "session.h"

#include "../http/exchange.h"

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcQueue)

namespace qradio::queue {

// Flow control. Frames go to the socket while less than kSocketHighWater bytes wait there; the
// rest waits in the outbox and follows as the client reads (the socket's bytesWritten). A backlog
// above kCongested asks producers that can wait (blocking generators) to hold back until it is
// under kDrained again. A client is cut off as gone when frames wait and it has taken nothing for
// kStall (a paused generator must not hold its worker forever), and as too slow when its backlog
// passes kHardFactor * maxBacklog (a burst from a generator that cannot wait may pass maxBacklog).
static constexpr qint64 kSocketHighWater = 256 * 1024;
static constexpr qint64 kCongested = 1024 * 1024;
static constexpr qint64 kDrained = 256 * 1024;
static constexpr std::chrono::milliseconds kStall{10000};
static constexpr qint64 kHardFactor = 8;

Session::Session(QString hash, Flavour flavour, QObject *parent)
    : QObject(parent), m_hash(std::move(hash)), m_flavour(flavour)
{
    connect(&m_heartbeat, &QTimer::timeout, this, &Session::heartbeat);
    m_stall.setSingleShot(true);
    connect(&m_stall, &QTimer::timeout, this, &Session::drain);
    m_touched.start();
}

Response Session::streamHead()
{
    Response head(200, {}, "text/event-stream; charset=utf-8");
    head.setHeader("Cache-Control", "no-cache");
    head.setHeader("X-Accel-Buffering", "no");
    return head;
}

qint64 Session::backlog() const
{
    return m_outboxBytes + (m_stream ? m_stream->buffered() : 0);
}

bool Session::isCongested()
{
    // Frames piling up before the client opened its stream count too: a generator must not run
    // ahead of a reader that is not there yet.
    if (!m_congested && backlog() > kCongested) {
        m_congested = true;
        drain(); // arms the stall timer: a reader that stopped for good is cut off
    }
    return m_congested;
}

void Session::push(Frame frame)
{
    m_touched.start();
    m_outboxBytes += frame.bytes.size();
    const bool last = !frame.completesEvent.isEmpty();
    m_outbox.append(std::move(frame));
    if (!m_stream)
        return;
    if (last || m_outboxBytes >= kSocketHighWater / 4) {
        drain();
        return;
    }
    // Frames that end nothing (estimations, starts, a generator's values) wait for the end of
    // this pass of the event loop and leave together: one write, one hand-off to the network
    // thread for what a fast generator yields in a burst.
    if (!std::exchange(m_drainPosted, true))
        QMetaObject::invokeMethod(this, [this] {
            m_drainPosted = false;
            if (m_stream)
                drain();
        }, Qt::QueuedConnection);
}

void Session::addPending(const QString &eventId, qint64 argBytes)
{
    m_pending.insert(eventId, {argBytes, true});
    m_argBytes += argBytes;
    ++m_activeCalls;
}

void Session::callEnded(const QString &eventId)
{
    const auto it = m_pending.find(eventId);
    if (it == m_pending.end() || !it->active)
        return;
    it->active = false;
    m_argBytes -= std::exchange(it->argBytes, 0);
    --m_activeCalls;
}

void Session::forget(const QString &eventId)
{
    callEnded(eventId);
    m_pending.remove(eventId);
}

void Session::attach(http::Exchange *exchange, std::chrono::milliseconds heartbeat, qint64 maxBacklog)
{
    if (m_stream) {
        // One stream per session: the newer one (a reconnect) takes over the pending events, the
        // older one is told it is done, as when it has nothing left.
        detach();
        if (m_flavour == Flavour::Queue)
            m_stream->write(frames::closeStream());
        m_stream->end();
    }
    m_stream = exchange;
    m_touched.start();
    m_maxBacklog = maxBacklog;
    m_stalled = false;
    connect(exchange, &http::Exchange::closed, this, [this] {
        m_touched.start();
        m_heartbeat.stop();
        m_stall.stop();
        detach();
        m_stream = nullptr;
        if (!m_pending.isEmpty())
            Q_EMIT streamLost(this);
        else if (isIdle())
            Q_EMIT idle(this);
    });
    connect(exchange, &http::Exchange::written, this, [this] {
        m_progress.start();
        drain();
    });
    m_heartbeat.start(heartbeat);
    drain();
}

void Session::detach()
{
    if (m_stream)
        m_stream->disconnect(this);
}

void Session::drain()
{
    // What can go now leaves in one write, with the close_stream that may follow it: a client
    // must read a result and the end of the stream together. @gradio/client starts its next
    // call as soon as it reads a result and opens no stream for it while it has not seen
    // close_stream: a close_stream arriving apart, after that call joined, left the call
    // without a stream for good.
    QByteArray batch;
    QStringList completed;
    while (m_stream && !m_outbox.isEmpty() && m_stream->buffered() + batch.size() < kSocketHighWater) {
        const Frame frame = m_outbox.takeFirst();
        m_outboxBytes -= frame.bytes.size();
        batch += frame.bytes;
        if (!frame.completesEvent.isEmpty()) {
            forget(frame.completesEvent);
            completed.append(frame.completesEvent);
        }
    }
    if (!m_stream) {
        // Held back for a reader that has not opened its stream: it gets the stall time to come,
        // then the session counts as gone (its generators must not hold their workers forever).
        if (!m_congested)
            return;
        if (!m_stalled) {
            m_stalled = true;
            m_progress.start();
        }
        const auto waited = std::chrono::milliseconds(m_progress.elapsed());
        if (waited >= kStall) {
            qCWarning(lcQueue) << "dropping session" << m_hash << ": its generator was held back"
                               << waited.count() << "ms and no stream was opened";
            m_stalled = false;
            Q_EMIT streamLost(this);
        } else if (!m_stall.isActive()) {
            m_stall.start(kStall - waited);
        }
        return;
    }
    if (m_pending.isEmpty()) {
        // Every event of the session has had its last word: the frames, the close_stream and the
        // end of the response leave in one write.
        if (!m_stream->isOpen())
            return; // closed() reports it
        if (m_flavour == Flavour::Queue)
            batch += frames::closeStream();
        m_stalled = false;
        endStream(batch);
        for (const QString &eventId : std::as_const(completed))
            Q_EMIT delivered(eventId);
        return;
    }
    if (!batch.isEmpty() && !m_stream->write(batch))
        return; // the stream is gone; closed() reports it
    for (const QString &eventId : std::as_const(completed))
        Q_EMIT delivered(eventId);
    if (!m_stream)
        return;
    // Behind: frames wait here, or a held-back generator waits for the socket to drain.
    if (!m_outbox.isEmpty() || (m_congested && backlog() >= kDrained)) {
        if (!m_stalled) { // waiting starts now, not at the last write of a quiet stream
            m_stalled = true;
            m_progress.start();
        }
        const qint64 behind = backlog();
        const auto still = std::chrono::milliseconds(m_progress.elapsed());
        if (behind > kHardFactor * m_maxBacklog || still >= kStall) {
            qCWarning(lcQueue) << "cutting off session" << m_hash << "as too slow:" << behind << "bytes behind,"
                               << still.count() << "ms without reading";
            m_stream->abort(); // closed() follows: the session's events are dropped as for a hang-up
            return;
        }
        if (!m_stall.isActive())
            m_stall.start(kStall - still);
        return;
    }
    m_stalled = false;
    m_stall.stop();
    if (m_congested && backlog() < kDrained) {
        m_congested = false;
        Q_EMIT drained(this);
    }
}

void Session::heartbeat()
{
    if (!m_stream)
        return;
    m_stream->write(frames::heartbeat(m_flavour == Flavour::Queue));
}

void Session::endStream(const QByteArray &last)
{
    m_heartbeat.stop();
    m_stall.stop();
    if (m_stream) {
        detach();
        m_stream->end(last);
        m_stream = nullptr;
    }
    if (isIdle())
        Q_EMIT idle(this);
}

void Session::shutdown(const QByteArray &finalFrame)
{
    m_pending.clear();
    m_argBytes = 0;
    m_activeCalls = 0;
    m_outbox.clear();
    m_outboxBytes = 0;
    if (m_stream && !finalFrame.isEmpty())
        m_stream->write(finalFrame);
    if (m_stream && m_flavour == Flavour::Queue)
        m_stream->write(frames::closeStream());
    endStream();
}

} // namespace qradio::queue
