// SPDX-License-Identifier: MIT
#pragma once

//! \file context.h
//! What a running endpoint may ask of its call: Gradio's gr.Progress, gr.Info/gr.Warning and
//! gr.Request in one handle.

#include <QCoro/QCoroTask>

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

#include <chrono>
#include <memory>

namespace qradio {

class ContextPrivate;

//! Declare `qradio::Context &` as a parameter of an endpoint to receive it; it is not an API
//! parameter and never appears in /info.
//! \code
//! app.api("slow", [](qradio::Context &ctx, double seconds) {
//!     for (int i = 0; i < 10; ++i) {
//!         ctx.progress(i, 10, "steps");
//!         if (!ctx.sleepFor(std::chrono::duration<double>(seconds / 10)))
//!             break;                                   // cancelled
//!     }
//!     return seconds;
//! }).params({"seconds"});
//! \endcode
//! All methods are thread-safe; messages are delivered in the order they are made.
class Context
{
public:
    explicit Context(std::shared_ptr<ContextPrivate> d);

    //! Reports progress as a fraction in [0, 1], with an optional description.
    void progress(double fraction, const QString &description = {}) const;
    //! Reports progress as step `index` of `length`.
    void progress(qint64 index, qint64 length, const QString &unit = QStringLiteral("steps"),
                  const QString &description = {}) const;
    //! Shows a message to the caller (gr.Info / gr.Warning / gr.Success).
    void info(const QString &message) const;
    void warning(const QString &message) const;
    void success(const QString &message) const;

    //! True once the call was cancelled, timed out, or its client went away.
    bool isCancelled() const;
    //! Throws qradio::Cancelled if the call was cancelled; the job then ends quietly.
    void checkCancelled() const;
    //! Sleeps up to `duration`, waking early on cancellation. Returns false if cancelled.
    bool sleepFor(std::chrono::duration<double> duration) const;

    //! For coroutine endpoints (they run on the network thread): resumes once the caller has read
    //! most of what was sent, or at once if it keeps up or the call was cancelled. Streaming
    //! coroutines are paced with it after every value, so a fast generator never buffers
    //! without end for a slow reader.
    QCoro::Task<> waitForClient() const;

    //! A request header of the call (the queue/join, /call or /run request), case-insensitive.
    QByteArray header(const QByteArray &name) const;
    QList<QPair<QByteArray, QByteArray>> headers() const;
    QString sessionHash() const;
    QString eventId() const;
    //! The calling client's address as text.
    QString clientAddress() const;
    //! The logged-in user who made the call (Gradio's gr.Request.username); empty without login.
    QString username() const;

private:
    friend struct PrivateAccess;
    std::shared_ptr<ContextPrivate> d;
};

} // namespace qradio
