// SPDX-License-Identifier: MIT
#pragma once

#include "../mailbox.h"
#include "job.h"

#include <QThreadPool>

#include <functional>
#include <memory>
#include <optional>

namespace qradio {
class Error;
}

namespace qradio::queue {

//! How a call ended, as its runner reports it.
struct Outcome
{
    QJsonArray outputs;
    //! Set when it threw; an internal error's text is still to be hidden (unless showError).
    std::optional<ErrorPayload> error;
    bool cancelled = false;
};

//! The payload of an error the endpoint raised on purpose (qradio::Error): shown as it is.
ErrorPayload userError(const Error &error);

//! A value a generator yielded, and the end of the call; both on the network thread.
using OnValue = std::function<void(const QJsonArray &)>;
using OnDone = std::function<void(Outcome)>;

//! Runs a blocking endpoint on `pool`. The generator's values and the outcome come back through
//! `mailbox` (so not at all once it is closed); each value waits for a credit first (see
//! ContextPrivate::takeCredit), which is how a fast generator is held back.
void runBlocking(QThreadPool &pool, const std::shared_ptr<Mailbox> &mailbox, const Job &job, OnValue onValue,
                 OnDone onDone);
//! Starts a coroutine endpoint on this thread; it runs until its first suspension.
void runCoroutine(const Job &job, OnValue onValue, OnDone onDone);

} // namespace qradio::queue
