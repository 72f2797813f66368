// SPDX-License-Identifier: MIT
#pragma once

#include "job.h"

#include <QByteArray>
#include <QList>
#include <QPointer>
#include <QSet>
#include <QString>
#include <QTimer>

namespace qradio::http {
class Exchange;
}

namespace qradio::queue {

//! A frame ready for a stream, with what the session needs to know about it.
struct Frame
{
    QByteArray bytes;       //!< the whole SSE frame, or empty when this flavour shows nothing
    QString completesEvent; //!< set on the event's terminal message
};

//! One client session: the FIFO of frames for its stream, the events still pending, and the
//! open stream if any (Gradio keeps the same per session_hash).
class Session : public QObject
{
    Q_OBJECT
public:
    enum class Flavour { Queue, Call };
    Session(QString hash, Flavour flavour, QObject *parent);

    const QString &hash() const { return m_hash; }
    Flavour flavour() const { return m_flavour; }
    void addPending(const QString &eventId) { m_pending.insert(eventId); }
    bool isPending(const QString &eventId) const { return m_pending.contains(eventId); }
    bool hasPending() const { return !m_pending.isEmpty(); }
    bool hasStream() const { return !m_stream.isNull(); }
    bool isIdle() const { return m_pending.isEmpty() && m_outbox.isEmpty() && m_stream.isNull(); }

    //! Queues a frame, writing it at once when a stream is open.
    void push(Frame frame);
    //! The head of an event stream response.
    static Response streamHead();
    //! Streams on `exchange`, whose head was sent (replacing an older stream), draining the outbox.
    void attach(http::Exchange *exchange, std::chrono::milliseconds heartbeat);
    //! Ends the stream (server shutdown).
    void shutdown(const QByteArray &finalFrame);

Q_SIGNALS:
    //! The client closed the stream while events were pending.
    void streamLost(qradio::queue::Session *session);
    //! The session has nothing left: no pending event, no queued frame, no stream.
    void idle(qradio::queue::Session *session);

private:
    void drain();
    void heartbeat();
    void endStream();

    QString m_hash;
    Flavour m_flavour;
    QList<Frame> m_outbox;
    QSet<QString> m_pending;
    QPointer<http::Exchange> m_stream;
    QTimer m_heartbeat;
};

} // namespace qradio::queue
