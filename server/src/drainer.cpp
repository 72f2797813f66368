// SPDX-License-Identifier: MIT
#include "drainer.h"

#include "queue/queue.h"

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcQueue)

namespace qradio {

//! How long results still wait for a client to come for them (the /call flow reads its result
//! with a second request; a queue/data stream may be reopening); older unread ones are abandoned.
static constexpr std::chrono::milliseconds kUnreadGrace{2000};
//! How long the sockets get to send what they hold once the queue is done.
static constexpr std::chrono::milliseconds kFlushLimit{2000};
static constexpr std::chrono::milliseconds kFlushPoll{10};

Drainer::Drainer(queue::Queue *queue, std::chrono::milliseconds timeout, std::function<qint64()> unsent,
                 std::function<void()> done, QObject *parent)
    : QObject(parent), m_queue(queue), m_unsent(std::move(unsent)), m_done(std::move(done)), m_timeout(timeout)
{
    m_clock.start();
    m_queue->beginDrain();
    qCDebug(lcQueue) << "draining:" << m_queue->activeCalls() << "calls in flight, deadline" << timeout.count() << "ms";
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, &Drainer::deadline);
    m_deadline.start(std::max(timeout, std::chrono::milliseconds(0)));
    m_unreadGrace.setSingleShot(true);
    connect(&m_unreadGrace, &QTimer::timeout, this, &Drainer::flush);
    connect(&m_flushPoll, &QTimer::timeout, this, &Drainer::flush);
    connect(m_queue, &queue::Queue::settling, this, &Drainer::check, Qt::QueuedConnection);
    QMetaObject::invokeMethod(this, &Drainer::check, Qt::QueuedConnection);
}

void Drainer::check()
{
    if (m_finished || m_flushPoll.isActive())
        return;
    if (m_queue->isSettled(kUnreadGrace)) {
        m_unreadGrace.stop();
        flush();
        return;
    }
    if (m_queue->activeCalls() == 0 && !m_unreadGrace.isActive())
        m_unreadGrace.start(kUnreadGrace);
}

void Drainer::flush()
{
    if (m_finished)
        return;
    if (!m_flushPoll.isActive()) {
        m_unreadGrace.stop();
        m_flushing.start();
        m_flushPoll.start(kFlushPoll);
    }
    if (m_unsent() == 0 || m_flushing.elapsed() >= kFlushLimit.count())
        finish();
}

void Drainer::deadline()
{
    if (m_finished)
        return;
    qCWarning(lcQueue) << "drain deadline of" << m_timeout.count() << "ms reached:" << m_queue->activeCalls()
                       << "calls cancelled";
    m_queue->shutdown(); // cancels what runs; every open stream gets "Server stopped unexpectedly."
    m_flushPoll.stop();
    flush();
}

void Drainer::finish()
{
    m_finished = true;
    m_deadline.stop();
    m_unreadGrace.stop();
    m_flushPoll.stop();
    qCDebug(lcQueue) << "drained in" << m_clock.elapsed() << "ms";
    m_done();
}

} // namespace qradio
