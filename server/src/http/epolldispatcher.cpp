// SPDX-License-Identifier: MIT
#include "epolldispatcher.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QThread>

#include <chrono>

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace qradio::http {

EpollDispatcher::EpollDispatcher(QObject *parent) : QAbstractEventDispatcher(parent)
{
    m_epoll = epoll_create1(EPOLL_CLOEXEC);
    m_wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (m_epoll >= 0 && m_wake >= 0) {
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.fd = m_wake;
        epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wake, &ev);
    }
}

EpollDispatcher::~EpollDispatcher()
{
    if (m_wake >= 0)
        ::close(m_wake);
    if (m_epoll >= 0)
        ::close(m_epoll);
}

qint64 EpollDispatcher::now()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

void EpollDispatcher::updateEpoll(qintptr fd, Notifiers &n)
{
    epoll_event ev{};
    ev.data.fd = int(fd);
    if (n.read && n.read->isEnabled())
        ev.events |= EPOLLIN;
    if (n.write && n.write->isEnabled())
        ev.events |= EPOLLOUT;
    if (n.exception && n.exception->isEnabled())
        ev.events |= EPOLLPRI;
    if (ev.events == 0) {
        if (n.inEpoll)
            epoll_ctl(m_epoll, EPOLL_CTL_DEL, int(fd), nullptr);
        n.inEpoll = false;
        return;
    }
    epoll_ctl(m_epoll, n.inEpoll ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, int(fd), &ev);
    n.inEpoll = true;
}

void EpollDispatcher::registerSocketNotifier(QSocketNotifier *notifier)
{
    // Qt registers a notifier when it is enabled and unregisters it when disabled.
    Notifiers &n = m_sockets[notifier->socket()];
    switch (notifier->type()) {
    case QSocketNotifier::Read: n.read = notifier; break;
    case QSocketNotifier::Write: n.write = notifier; break;
    case QSocketNotifier::Exception: n.exception = notifier; break;
    }
    updateEpoll(notifier->socket(), n);
}

void EpollDispatcher::unregisterSocketNotifier(QSocketNotifier *notifier)
{
    const auto it = m_sockets.find(notifier->socket());
    if (it == m_sockets.end())
        return;
    Notifiers &n = *it;
    if (n.read == notifier)
        n.read = nullptr;
    else if (n.write == notifier)
        n.write = nullptr;
    else if (n.exception == notifier)
        n.exception = nullptr;
    updateEpoll(notifier->socket(), n);
    if (!n.read && !n.write && !n.exception)
        m_sockets.erase(it);
}

void EpollDispatcher::registerTimer(int timerId, qint64 interval, Qt::TimerType timerType, QObject *object)
{
    unregisterTimer(timerId);
    Timer t{timerId, std::max<qint64>(interval, 0), timerType, object, {}};
    t.due = m_schedule.emplace(now() + t.interval, timerId);
    m_timers.insert(timerId, t);
}

bool EpollDispatcher::unregisterTimer(int timerId)
{
    const auto it = m_timers.find(timerId);
    if (it == m_timers.end())
        return false;
    m_schedule.erase(it->due);
    m_timers.erase(it);
    return true;
}

bool EpollDispatcher::unregisterTimers(QObject *object)
{
    bool any = false;
    for (auto it = m_timers.begin(); it != m_timers.end();) {
        if (it->object == object) {
            m_schedule.erase(it->due);
            it = m_timers.erase(it);
            any = true;
        } else {
            ++it;
        }
    }
    return any;
}

QList<QAbstractEventDispatcher::TimerInfo> EpollDispatcher::registeredTimers(QObject *object) const
{
    QList<TimerInfo> out;
    for (const Timer &t : m_timers)
        if (t.object == object)
            out.append(TimerInfo(t.id, int(t.interval), t.type));
    return out;
}

int EpollDispatcher::remainingTime(int timerId)
{
    const auto it = m_timers.constFind(timerId);
    if (it == m_timers.constEnd())
        return -1;
    return int(std::max<qint64>(0, it->due->first - now()));
}

void EpollDispatcher::wakeUp()
{
    // Qt calls this on every postEvent(): while the eventfd is signalled and not yet read,
    // another write only costs a system call (and the reader's wake-up is already due).
    if (!m_signalled.testAndSetAcquire(0, 1))
        return;
    const quint64 one = 1;
    [[maybe_unused]] const auto written = ::write(m_wake, &one, sizeof one);
}

void EpollDispatcher::interrupt()
{
    m_interrupted.storeRelaxed(1);
    wakeUp();
}

int EpollDispatcher::nextTimeout() const
{
    if (m_schedule.empty())
        return -1;
    return int(std::clamp<qint64>(m_schedule.begin()->first - now(), 0, 24 * 3600 * 1000));
}

bool EpollDispatcher::fireTimers()
{
    // Only the timers due now; a handler may add, restart or remove any timer.
    const qint64 at = now();
    QList<int> due;
    for (auto it = m_schedule.begin(); it != m_schedule.end() && it->first <= at; ++it)
        due.append(it->second);
    for (int id : std::as_const(due)) {
        const auto it = m_timers.find(id);
        if (it == m_timers.end() || it->due->first > at)
            continue;
        // Rescheduled before it fires, as Qt does: the handler sees it running (and may stop it).
        m_schedule.erase(it->due);
        it->due = m_schedule.emplace(at + std::max<qint64>(it->interval, 1), id);
        QTimerEvent event(id);
        QCoreApplication::sendEvent(it->object, &event);
    }
    return !due.isEmpty();
}

bool EpollDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags)
{
    m_interrupted.storeRelaxed(0);
    Q_EMIT awake();
    QCoreApplication::sendPostedEvents();
    bool did = false;
    const bool wait = flags.testFlag(QEventLoop::WaitForMoreEvents) && !m_interrupted.loadRelaxed();
    if (wait)
        Q_EMIT aboutToBlock();
    constexpr int kBatch = 256;
    epoll_event events[kBatch];
    const int n = epoll_wait(m_epoll, events, kBatch, wait ? nextTimeout() : 0);
    if (wait)
        Q_EMIT awake();
    for (int i = 0; i < n; ++i) {
        const int fd = events[i].data.fd;
        if (fd == m_wake) {
            quint64 count;
            [[maybe_unused]] const auto read = ::read(m_wake, &count, sizeof count);
            // After the read: a post from now on signals again. Events posted before it are
            // sent at the start of the next processEvents().
            m_signalled.storeRelease(0);
            continue;
        }
        if (flags.testFlag(QEventLoop::ExcludeSocketNotifiers))
            continue;
        // Looked up again for each kind: a notifier's handler may unregister the others.
        const quint32 ready = events[i].events;
        const auto activate = [&](QSocketNotifier *Notifiers::*which) {
            const auto it = m_sockets.constFind(fd);
            QSocketNotifier *notifier = it == m_sockets.constEnd() ? nullptr : (*it).*which;
            if (notifier && notifier->isEnabled()) {
                QEvent event(QEvent::SockAct);
                QCoreApplication::sendEvent(notifier, &event);
                did = true;
            }
        };
        if (ready & (EPOLLIN | EPOLLHUP | EPOLLERR))
            activate(&Notifiers::read);
        if (ready & (EPOLLOUT | EPOLLHUP | EPOLLERR))
            activate(&Notifiers::write);
        if (ready & EPOLLPRI)
            activate(&Notifiers::exception);
    }
    if (!flags.testFlag(QEventLoop::X11ExcludeTimers))
        did = fireTimers() || did;
    return did || n > 0;
}

} // namespace qradio::http
