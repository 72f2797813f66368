// SPDX-License-Identifier: MIT
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <chrono>
#include <functional>

namespace qradio {

namespace queue {
class Queue;
}

//! One Server::drain() on the core thread: the queue refuses new calls while the accepted ones
//! finish and their results go out; then, once the sockets have sent what they hold, `done`
//! runs. Results nobody collects get a short grace (drainer.cpp). At the deadline
//! the queue is shut down (running calls cancelled, open streams told the server stopped).
class Drainer : public QObject
{
public:
    //! `unsent` tells how many bytes the connections still hold for their clients.
    Drainer(queue::Queue *queue, std::chrono::milliseconds timeout, std::function<qint64()> unsent,
            std::function<void()> done, QObject *parent);

private:
    void check();
    //! The queue has nothing left to say: wait for the sockets to send it, then finish.
    void flush();
    void deadline();
    void finish();

    queue::Queue *m_queue;
    std::function<qint64()> m_unsent;
    std::function<void()> m_done;
    std::chrono::milliseconds m_timeout;
    QElapsedTimer m_clock;
    QTimer m_deadline;
    QTimer m_unreadGrace;   //!< runs while results wait for clients that have not come for them
    QTimer m_flushPoll;
    QElapsedTimer m_flushing;
    bool m_finished = false;
};

} // namespace qradio
