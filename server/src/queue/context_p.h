// SPDX-License-Identifier: MIT
#pragma once

#include <qradio/context.h>
#include <qradio/http.h>

#include <QJsonArray>
#include <QJsonObject>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

namespace qradio {

//! Who made a call when that is more than an HTTP request, and what it lets the endpoint do
//! (MCP: requests to its client, log messages). The caller subclasses it and hands it to the
//! queue with the call (Queue::Submission::caller); the queue only carries it to the Context.
class CallerLink
{
public:
    virtual ~CallerLink() = default;
};

//! The shared state behind a Context: written by the queue, read by the worker.
class ContextPrivate : public std::enable_shared_from_this<ContextPrivate>
{
public:
    HeaderList headers;
    QString sessionHash;
    QString eventId;
    QString clientAddress;
    QString username;
    std::shared_ptr<const CallerLink> caller; //!< null for HTTP clients
    //! Posts to the network thread (set by the queue); messages go through it in order.
    std::function<void(std::function<void()>)> post;
    //! Called on the network thread with a log message (level, text).
    std::function<void(const QString &, const QString &)> onLog;
    //! Called on the network thread when new progress is ready (read it with takeProgress()).
    std::function<void()> onProgress;
    //! True while the caller is too far behind (network thread; set for queued jobs).
    std::function<bool()> callerBehind;
    //! Values a coroutine generator sent since it last went back to the event loop (its thread only).
    int valuesSinceYield = 0;
    static constexpr int kValuesPerYield = 64;

    void cancel();
    bool isCancelled() const { return m_cancelled.load(std::memory_order_acquire); }
    bool sleepFor(std::chrono::duration<double> duration);
    //! Keeps only the newest progress until the network thread takes it (Gradio coalesces too).
    void setProgress(const QJsonObject &entry);
    std::optional<QJsonObject> takeProgress();

    //! Flow control of a blocking generator: each value it sends takes a credit (waiting while
    //! there is none), and the network thread gives it back once the value is handled and the
    //! client keeps up. False when the call was cancelled meanwhile.
    bool takeCredit();
    void returnCredits(int count);
    static constexpr int kCredits = 256;

private:
    std::atomic<bool> m_cancelled{false};
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::optional<QJsonObject> m_progress;
    bool m_progressPosted = false;
    int m_credits = kCredits;
};

} // namespace qradio
