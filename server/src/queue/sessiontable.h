// SPDX-License-Identifier: MIT
#pragma once

#include "session.h"

#include <qradio/server.h>

#include <QHash>
#include <QObject>
#include <QTimer>

namespace qradio::queue {

//! The queue's sessions by session_hash, and what bounds them: how many a server keeps, what
//! one may hold (maxSessionEvents, maxSessionBytes), and how long one nobody reads is kept
//! (unreadSessionTimeout). Network thread only.
class SessionTable : public QObject
{
    Q_OBJECT
public:
    explicit SessionTable(const ServerOptions &options, QObject *parent = nullptr);

    Session *find(const QString &hash) const { return m_sessions.value(hash); }
    //! The session `hash`, made if new; beyond maxSessions the oldest unread ones are dropped.
    Session *obtain(const QString &hash, Session::Flavour flavour);
    //! Records that `eventId` joined `session`, holding `argBytes` of arguments.
    void addEvent(Session *session, const QString &eventId, qint64 argBytes);
    //! The session an event belongs to while its result is unread (empty if unknown).
    QString sessionOf(const QString &eventId) const { return m_eventSessions.value(eventId); }
    //! Why a join to `hash` bringing `bytes` must be refused, or empty.
    QString refusal(const QString &hash, qint64 bytes) const;
    //! Forgets a session (deleted later: it may be in one of its signals).
    void drop(Session *session);
    QList<Session *> all() const { return m_sessions.values(); }
    //! Stops dropping unread sessions (shutdown).
    void stop() { m_unreadSweep.stop(); }

Q_SIGNALS:
    //! The client closed the session's stream while events were pending.
    void streamLost(qradio::queue::Session *session);
    //! The session's backlog has gone: held-back producers may go on.
    void drained(qradio::queue::Session *session);
    //! An event's last message went out, or a session was dropped.
    void settling();

private:
    //! Someone reads the session, or one of its calls is still waiting or running.
    static bool isLive(const Session &session) { return session.hasStream() || session.hasActiveCalls(); }
    void dropOldestUnread();
    void sweep();

    const ServerOptions &m_options;
    QHash<QString, Session *> m_sessions;
    QStringList m_order;                     //!< session hashes, oldest first
    QHash<QString, QString> m_eventSessions; //!< event id -> session hash, kept for /call GET
    QTimer m_unreadSweep;
    bool m_droppedResults = false;           //!< the last sweep dropped unread results
};

} // namespace qradio::queue
