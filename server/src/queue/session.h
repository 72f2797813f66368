// SPDX-License-Identifier: MIT
#pragma once

#include "frames.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QList>
#include <QPointer>
#include <QHash>
#include <QString>
#include <QTimer>


namespace qradio::http {
class Exchange;
}

namespace qradio::queue {

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
    //! An event joined; its arguments (`argBytes` of request) are held until its call ends.
    void addPending(const QString &eventId, qint64 argBytes);
    //! The event's call ended (completed, failed, cancelled or dropped): its arguments are gone.
    void callEnded(const QString &eventId);
    //! Events whose last message the client has not read yet.
    QStringList pendingEvents() const { return m_pending.keys(); }
    qsizetype pendingCount() const { return m_pending.size(); }
    bool hasPending() const { return !m_pending.isEmpty(); }
    //! Some of its events are still waiting or running.
    bool hasActiveCalls() const { return m_activeCalls > 0; }
    //! Bytes the session holds for its client: unread results and the arguments of its calls.
    qint64 heldBytes() const { return m_outboxBytes + m_argBytes; }
    bool hasStream() const { return !m_stream.isNull(); }
    bool isIdle() const { return m_pending.isEmpty() && m_outbox.isEmpty() && m_stream.isNull(); }
    //! Bytes of the messages waiting for the stream.
    qint64 outboxBytes() const { return m_outboxBytes; }
    //! Time since a message was queued or a stream came or went.
    qint64 quietFor() const { return m_touched.elapsed(); }

    //! Queues a frame, writing it at once when a stream is open and keeping up.
    void push(Frame frame);
    //! The head of an event stream response.
    static Response streamHead();
    //! Streams on `exchange`, whose head was sent (replacing an older stream), draining the outbox
    //! as fast as the client reads. A client that reads nothing for a while as frames wait, or
    //! falls far beyond `maxBacklog` bytes behind, is cut off (see session.cpp).
    void attach(http::Exchange *exchange, std::chrono::milliseconds heartbeat, qint64 maxBacklog);
    //! More is waiting for the client than it takes in: producers should hold back until drained().
    bool isCongested();
    //! Ends the stream (server shutdown).
    void shutdown(const QByteArray &finalFrame);

Q_SIGNALS:
    //! An event's terminal message was written to the stream: the event is over for the client.
    void delivered(const QString &eventId);
    //! The client closed the stream while events were pending.
    void streamLost(qradio::queue::Session *session);
    //! The session has nothing left: no pending event, no queued frame, no stream.
    void idle(qradio::queue::Session *session);
    //! The backlog that made isCongested() true has gone.
    void drained(qradio::queue::Session *session);

private:
    void drain();
    void heartbeat();
    //! Ends the stream, `last` going out with its end.
    void endStream(const QByteArray &last = {});
    void detach();
    qint64 backlog() const;

    QString m_hash;
    Flavour m_flavour;
    QList<Frame> m_outbox;
    qint64 m_outboxBytes = 0;
    struct Pending
    {
        qint64 argBytes = 0;
        bool active = true; //!< its call has not ended
    };
    //! Forgets a pending event (its last message went out, or the session ends).
    void forget(const QString &eventId);
    QHash<QString, Pending> m_pending;
    qint64 m_argBytes = 0;                  //!< of the pending events still active
    int m_activeCalls = 0;
    QPointer<http::Exchange> m_stream;
    QElapsedTimer m_touched;
    QElapsedTimer m_progress;               //!< while frames wait: since the client last took bytes
    bool m_stalled = false;                 //!< frames wait in the outbox
    qint64 m_maxBacklog = 0;
    bool m_congested = false;
    bool m_drainPosted = false;             //!< a drain() is queued for the end of this pass
    QTimer m_heartbeat;
    QTimer m_stall;                         //!< looks again when the client has read nothing for a while
};

} // namespace qradio::queue
