// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>

#include <functional>
#include <mutex>

namespace qradio {

//! Posts work to one object's thread from any thread, until closed (before that object goes).
class Mailbox
{
public:
    explicit Mailbox(QObject *target) : m_target(target) {}
    void post(std::function<void()> fn)
    {
        std::lock_guard lock(m_mutex);
        if (m_target)
            QMetaObject::invokeMethod(m_target, std::move(fn), Qt::QueuedConnection);
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
