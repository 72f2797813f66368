// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>

#include <functional>
#include <mutex>

namespace qradio {

//! Posts work to one object's thread from any thread, until closed (before that object goes).
//! Work posted while no object is set is dropped. Shared (std::shared_ptr) by the queue's and
//! MCP's workers, so that a worker finishing late needs neither of them alive.
class Mailbox
{
public:
    explicit Mailbox(QObject *target = nullptr) : m_target(target) {}
    void post(std::function<void()> fn)
    {
        std::lock_guard lock(m_mutex);
        if (m_target)
            QMetaObject::invokeMethod(m_target, std::move(fn), Qt::QueuedConnection);
    }
    //! Work posted from now on runs on `target`'s thread.
    void open(QObject *target)
    {
        std::lock_guard lock(m_mutex);
        m_target = target;
    }
    void close()
    {
        std::lock_guard lock(m_mutex);
        m_target = nullptr;
    }

private:
    std::mutex m_mutex;
    QObject *m_target;
};

} // namespace qradio
