// SPDX-License-Identifier: MIT
// A running call's values before its result: a generator's outputs (held to stream_every, and
// held back by credits while its client is behind) and progress. Part of Queue (queue.h).
#include "queue.h"

#include "../api/config.h"
#include "../files/filedata.h"
#include "context_p.h"

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcQueue)

namespace qradio::queue {

void Queue::progressReady(const QString &eventId)
{
    auto it = m_jobs.find(eventId);
    if (it == m_jobs.end())
        return;
    Job &job = **it;
    auto entry = job.context->takeProgress();
    if (!entry || job.state != Job::State::Running)
        return;
    JobEvent e{JobEvent::Progress};
    e.progress = QJsonArray{*entry};
    deliver(job, e);
}

bool Queue::prepareOutputs(Job &job, QJsonArray &outputs, std::optional<ErrorPayload> *error)
{
    if (!m_files)
        return true;
    try {
        files::prepareOutputs(*m_files, outputs, [&] {
            Request request;
            request.url = job.requestUrl;
            request.path = job.requestUrl.path();
            request.headers = job.context->headers;
            return api::computeRoot(request, request.path, m_options.rootPath);
        });
        return true;
    } catch (const std::exception &e) {
        qCWarning(lcQueue) << "endpoint" << job.endpoint->name << ":" << e.what();
        *error = internalError(QString::fromUtf8(e.what()));
        return false;
    }
}

void Queue::generated(const QString &eventId, const QJsonArray &outputs)
{
    auto it = m_jobs.find(eventId);
    if (it == m_jobs.end() || (*it)->state != Job::State::Running)
        return; // a stopped job's context is cancelled: its generator takes no more credits
    Job &job = **it;
    returnCredit(job);
    QJsonArray servable = outputs;
    std::optional<ErrorPayload> error;
    if (!prepareOutputs(job, servable, &error)) {
        JobPtr failed = *it;
        failed->context->cancel();
        failed->state = Job::State::Done;
        JobEvent e{JobEvent::Failed};
        e.error = *error;
        complete(failed, e);
        return;
    }
    job.pendingOutputs = servable;
    const double every = job.endpoint->streamEvery;
    if (every > 0 && job.lastGenerated.isValid() && job.lastGenerated.elapsed() < qint64(every * 1000)) {
        // stream_every: hold the newest value until the interval has passed.
        if (!job.streamTimer) {
            job.streamTimer = std::make_unique<QTimer>();
            job.streamTimer->setSingleShot(true);
            connect(job.streamTimer.get(), &QTimer::timeout, this, [this, eventId] {
                auto found = m_jobs.find(eventId);
                if (found != m_jobs.end() && (*found)->state == Job::State::Running && !(*found)->pendingOutputs.isEmpty())
                    sendGenerated(**found);
            });
        }
        if (!job.streamTimer->isActive())
            job.streamTimer->start(std::chrono::milliseconds(qint64(every * 1000) - job.lastGenerated.elapsed()));
        return;
    }
    sendGenerated(job);
}

void Queue::returnCredit(Job &job)
{
    Session *session = m_sessions.find(job.sessionHash);
    if (session && session->isCongested())
        ++job.heldCredits; // given back when the session has drained
    else
        job.context->returnCredits(1);
}

void Queue::sessionDrained(Session *session)
{
    for (const JobPtr &job : std::as_const(m_jobs))
        if (job->heldCredits > 0 && job->sessionHash == session->hash())
            job->context->returnCredits(std::exchange(job->heldCredits, 0));
}

void Queue::sendGenerated(Job &job)
{
    JobEvent e{JobEvent::Generated};
    e.outputs = std::exchange(job.pendingOutputs, QJsonArray());
    e.duration = job.clock.nsecsElapsed() / 1e9;
    e.averageDuration = e.duration;
    job.lastGenerated.start();
    deliver(job, e);
}

} // namespace qradio::queue
