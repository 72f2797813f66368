// SPDX-License-Identifier: MIT
#include "sessiontable.h"

#include <QLoggingCategory>

#ifdef __GLIBC__
#include <malloc.h>
#endif

Q_DECLARE_LOGGING_CATEGORY(lcQueue)

namespace qradio::queue {

SessionTable::SessionTable(const ServerOptions &options, QObject *parent) : QObject(parent), m_options(options)
{
    const auto timeout = std::max(m_options.unreadSessionTimeout, std::chrono::milliseconds(1));
    connect(&m_unreadSweep, &QTimer::timeout, this, &SessionTable::sweep);
    m_unreadSweep.start(std::clamp(timeout / 4, std::chrono::milliseconds(100), std::chrono::milliseconds(60000)));
}

void SessionTable::sweep()
{
#ifdef __GLIBC__
    // What the last sweep dropped has been deleted since: give the pages back to the system
    // (a forgotten session can hold maxSessionBytes in many small blocks, which glibc keeps).
    if (std::exchange(m_droppedResults, false))
        malloc_trim(0);
#endif
    const auto timeout = std::max(m_options.unreadSessionTimeout, std::chrono::milliseconds(1));
    const auto sessions = m_sessions;
    for (Session *session : sessions)
        if (!isLive(*session) && session->quietFor() >= timeout.count()) {
            qCInfo(lcQueue) << "dropping session" << session->hash() << "and its" << session->heldBytes()
                            << "bytes of results: nobody read them for" << session->quietFor() << "ms";
            m_droppedResults = m_droppedResults || session->heldBytes() > 0;
            drop(session);
        }
}

Session *SessionTable::obtain(const QString &hash, Session::Flavour flavour)
{
    Session *&session = m_sessions[hash];
    if (!session) {
        session = new Session(hash, flavour, this);
        connect(session, &Session::idle, this, &SessionTable::drop);
        connect(session, &Session::streamLost, this, &SessionTable::streamLost);
        connect(session, &Session::drained, this, &SessionTable::drained);
        // Over for the client: a later /call GET of it must not find a session to wait on.
        connect(session, &Session::delivered, this, [this](const QString &eventId) {
            m_eventSessions.remove(eventId);
            Q_EMIT settling();
        });
        m_order.append(hash);
        if (m_sessions.size() > m_options.maxSessions)
            dropOldestUnread();
    }
    return session;
}

void SessionTable::addEvent(Session *session, const QString &eventId, qint64 argBytes)
{
    session->addPending(eventId, argBytes);
    m_eventSessions.insert(eventId, session->hash());
}

void SessionTable::dropOldestUnread()
{
    // Clients that joined but never read their stream: like Gradio, keep a bounded number of
    // sessions, dropping the oldest whose events have all finished and that no one is reading.
    for (qsizetype i = 0; i < m_order.size() && m_sessions.size() > m_options.maxSessions;) {
        Session *session = m_sessions.value(m_order.at(i));
        if (isLive(*session))
            ++i;
        else
            drop(session); // takes it out of m_order
    }
}

QString SessionTable::refusal(const QString &hash, qint64 bytes) const
{
    const Session *session = find(hash);
    if (!session)
        return {};
    if (session->pendingCount() >= m_options.maxSessionEvents)
        return QStringLiteral("This session already has %1 events pending (the most one session may hold): read "
                              "their results from /gradio_api/queue/data before joining again.")
            .arg(session->pendingCount());
    const qint64 held = session->heldBytes() + bytes;
    if (held > m_options.maxSessionBytes)
        return QStringLiteral("This session would hold %1 bytes of arguments and unread results, more than the %2 "
                              "one session may hold: read its results from /gradio_api/queue/data first.")
            .arg(held)
            .arg(m_options.maxSessionBytes);
    return {};
}

void SessionTable::drop(Session *session)
{
    if (m_sessions.value(session->hash()) == session) {
        m_sessions.remove(session->hash());
        m_order.removeOne(session->hash());
    }
    // Its events still pending are dead; the delivered ones were forgotten as they went out.
    for (const QString &eventId : session->pendingEvents())
        m_eventSessions.remove(eventId);
    session->deleteLater();
    Q_EMIT settling();
}

} // namespace qradio::queue
