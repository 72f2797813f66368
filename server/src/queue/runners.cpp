// SPDX-License-Identifier: MIT
#include "runners.h"

#include "../api/arguments.h"
#include "context_p.h"

#include <qradio/error.h>

#include <QLoggingCategory>

#include <QCoro/QCoroTask>

Q_DECLARE_LOGGING_CATEGORY(lcQueue)

namespace qradio::queue {

ErrorPayload userError(const Error &e)
{
    ErrorPayload p;
    p.message = e.message();
    p.userError = true;
    p.duration = e.duration();
    p.visible = e.visible();
    p.title = e.title();
    return p;
}

//! How a call ended when it threw: the one place exceptions become outcomes.
static Outcome failureOf(const std::exception_ptr &thrown, const QString &endpoint)
{
    Outcome o;
    try {
        std::rethrow_exception(thrown);
    } catch (const Cancelled &) {
        o.cancelled = true;
    } catch (const Error &e) {
        o.error = userError(e);
    } catch (const std::exception &e) {
        qCWarning(lcQueue) << "endpoint" << endpoint << "raised:" << e.what();
        o.error = ErrorPayload();
        o.error->message = QString::fromUtf8(e.what());
    } catch (...) {
        qCWarning(lcQueue) << "endpoint" << endpoint << "raised a non-standard exception";
        o.error = ErrorPayload();
        o.error->message = QStringLiteral("Unknown error");
    }
    return o;
}

//! A batch endpoint takes one list per parameter, with one entry per call.
static QJsonArray argumentsOf(const Job &job)
{
    if (job.batchMembers.isEmpty())
        return job.args;
    QJsonArray columns;
    for (qsizetype i = 0; i < job.endpoint->params.size(); ++i) {
        QJsonArray column;
        for (const JobPtr &member : std::as_const(job.batchMembers))
            column.append(member->args.at(i));
        columns.append(column);
    }
    return columns;
}

void runBlocking(QThreadPool &pool, const std::shared_ptr<Mailbox> &mailbox, const Job &job, OnValue onValue,
                 OnDone onDone)
{
    pool.start([mailbox, spec = job.endpoint, ctxp = job.context, args = argumentsOf(job),
                names = api::parameterNames(*job.endpoint), onValue = std::move(onValue),
                onDone = std::move(onDone)] {
        detail::Emit push = [&mailbox, &ctxp, &onValue](const QJsonArray &outputs) {
            // Waits while the values already sent are not handled yet or the client is behind,
            // so that a fast generator neither floods the network thread nor outruns its client.
            if (ctxp->takeCredit())
                mailbox->post([onValue, outputs] { onValue(outputs); });
        };
        Context ctx(ctxp);
        Outcome outcome;
        try {
            outcome.outputs = spec->invoker.run(ctx, args, names, push);
        } catch (...) {
            outcome = failureOf(std::current_exception(), spec->name);
        }
        mailbox->post([onDone, outcome = std::move(outcome)]() mutable { onDone(std::move(outcome)); });
    });
}

static QCoro::Task<> runCoroutineJob(std::shared_ptr<const EndpointSpec> spec, std::shared_ptr<ContextPrivate> ctxp,
                                     QJsonArray args, QStringList names, OnValue onValue, OnDone onDone)
{
    Outcome outcome;
    try {
        outcome.outputs = co_await spec->invoker.runAsync(Context(ctxp), args, names, onValue);
    } catch (...) {
        // Anything escaping here would end the detached task without onDone(): the call would
        // never complete and its slot never free.
        outcome = failureOf(std::current_exception(), spec->name);
    }
    onDone(std::move(outcome));
}

void runCoroutine(const Job &job, OnValue onValue, OnDone onDone)
{
    runCoroutineJob(job.endpoint, job.context, job.args, api::parameterNames(*job.endpoint), std::move(onValue),
                    std::move(onDone));
}

} // namespace qradio::queue
