// SPDX-License-Identifier: MIT
#include "context_p.h"

#include <qradio/error.h>

#include <QCoro/QCoroTimer>

namespace qradio {

void ContextPrivate::cancel()
{
    {
        std::lock_guard lock(m_mutex);
        m_cancelled.store(true, std::memory_order_release);
    }
    m_wake.notify_all();
}

bool ContextPrivate::sleepFor(std::chrono::duration<double> duration)
{
    std::unique_lock lock(m_mutex);
    return !m_wake.wait_for(lock, duration, [this] { return m_cancelled.load(std::memory_order_acquire); });
}

void ContextPrivate::setProgress(const QJsonObject &entry)
{
    bool mustPost = false;
    {
        std::lock_guard lock(m_mutex);
        m_progress = entry;
        mustPost = !m_progressPosted;
        m_progressPosted = true;
    }
    if (mustPost && post)
        post([self = shared_from_this()] {
            if (self->onProgress)
                self->onProgress();
        });
}

std::optional<QJsonObject> ContextPrivate::takeProgress()
{
    std::lock_guard lock(m_mutex);
    m_progressPosted = false;
    return std::exchange(m_progress, std::nullopt);
}

bool ContextPrivate::takeCredit()
{
    std::unique_lock lock(m_mutex);
    m_wake.wait(lock, [this] { return m_credits > 0 || m_cancelled.load(std::memory_order_acquire); });
    if (m_cancelled.load(std::memory_order_acquire))
        return false;
    --m_credits;
    return true;
}

void ContextPrivate::returnCredits(int count)
{
    {
        std::lock_guard lock(m_mutex);
        const bool wasOut = m_credits <= 0;
        m_credits += count;
        if (!wasOut)
            return;
    }
    m_wake.notify_all();
}

Context::Context(std::shared_ptr<ContextPrivate> dd) : d(std::move(dd)) {}

void Context::progress(double fraction, const QString &description) const
{
    if (!d)
        return;
    d->setProgress({{QStringLiteral("index"), QJsonValue()},
                    {QStringLiteral("length"), QJsonValue()},
                    {QStringLiteral("unit"), QStringLiteral("steps")},
                    {QStringLiteral("progress"), std::clamp(fraction, 0.0, 1.0)},
                    {QStringLiteral("desc"), description.isNull() ? QJsonValue() : QJsonValue(description)}});
}

void Context::progress(qint64 index, qint64 length, const QString &unit, const QString &description) const
{
    if (!d)
        return;
    d->setProgress({{QStringLiteral("index"), index},
                    {QStringLiteral("length"), length},
                    {QStringLiteral("unit"), unit},
                    {QStringLiteral("progress"), QJsonValue()},
                    {QStringLiteral("desc"), description.isNull() ? QJsonValue() : QJsonValue(description)}});
}

static void postLog(const std::shared_ptr<ContextPrivate> &d, const QString &level, const QString &message)
{
    if (!d || !d->post)
        return;
    d->post([d, level, message] {
        if (d->onLog)
            d->onLog(level, message);
    });
}

void Context::info(const QString &message) const { postLog(d, QStringLiteral("info"), message); }
void Context::warning(const QString &message) const { postLog(d, QStringLiteral("warning"), message); }
void Context::success(const QString &message) const { postLog(d, QStringLiteral("success"), message); }

bool Context::isCancelled() const { return d && d->isCancelled(); }

void Context::checkCancelled() const
{
    if (isCancelled())
        throw Cancelled();
}

bool Context::sleepFor(std::chrono::duration<double> duration) const
{
    return d ? d->sleepFor(duration) : true;
}

QCoro::Task<> Context::waitForClient() const
{
    const std::shared_ptr<ContextPrivate> dd = d; // the handle may go before the frame does
    if (!dd)
        co_return;
    // A short poll: the session's backlog drains on socket writes this coroutine cannot see.
    bool waited = false;
    while (dd->callerBehind && !dd->isCancelled() && dd->callerBehind()) {
        co_await QCoro::sleepFor(std::chrono::milliseconds(2));
        waited = true;
    }
    // A generator its client keeps up with still goes back to the event loop now and then: the
    // thread's other work goes on meanwhile, and the resumptions of generator and consumer unwind
    // (they nest on the stack wherever the compiler makes them no tail calls: ASan, TSan builds).
    if (waited || ++dd->valuesSinceYield >= ContextPrivate::kValuesPerYield) {
        dd->valuesSinceYield = 0;
        if (!waited)
            co_await QCoro::sleepFor(std::chrono::milliseconds(0));
    }
}

QByteArray Context::header(const QByteArray &name) const
{
    if (d)
        for (const auto &[key, value] : d->headers)
            if (key.compare(name, Qt::CaseInsensitive) == 0)
                return value;
    return {};
}

QList<QPair<QByteArray, QByteArray>> Context::headers() const { return d ? d->headers : HeaderList(); }
QString Context::sessionHash() const { return d ? d->sessionHash : QString(); }
QString Context::eventId() const { return d ? d->eventId : QString(); }
QString Context::clientAddress() const { return d ? d->clientAddress : QString(); }
QString Context::username() const { return d ? d->username : QString(); }

} // namespace qradio
