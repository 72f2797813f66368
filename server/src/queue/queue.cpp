// SPDX-License-Identifier: MIT
#include "queue.h"

#include "../metrics/exposition.h"
#include "../metrics/registry.h"

#include "../api/arguments.h"
#include "../files/filedata.h"
#include "../files/urlfetch.h"
#include "context_p.h"
#include "frames.h"
#include "runners.h"

#include <QLoggingCategory>
#include <QUuid>

Q_LOGGING_CATEGORY(lcQueue, "qradio.queue", QtInfoMsg)

namespace qradio::queue {

//! Longest session_hash accepted: clients send 11 (JS) or 32 (Python) characters.
static constexpr qsizetype kMaxSessionHash = 256;

Queue::Queue(const ServerOptions &options, QObject *parent)
    : QObject(parent), m_options(options), m_mailbox(std::make_shared<Mailbox>(this)), m_sessions(m_options, this)
{
    connect(&m_sessions, &SessionTable::streamLost, this, &Queue::streamLost);
    connect(&m_sessions, &SessionTable::drained, this, &Queue::sessionDrained);
    connect(&m_sessions, &SessionTable::settling, this, &Queue::settling);
}

Queue::~Queue()
{
    shutdown();
}

ErrorPayload Queue::internalError(const QString &what) const
{
    ErrorPayload p;
    if (m_options.showError) {
        p.message = what;
        p.shown = true;
    }
    return p;
}

void Queue::setEndpoints(const QList<std::shared_ptr<const EndpointSpec>> &endpoints)
{
    m_scheduler.setEndpoints(endpoints, m_options.defaultConcurrencyLimit);
}

Queue::Joined Queue::submit(Submission s)
{
    Joined joined;
    // While draining, only a session with calls still pending here may add one: its stream is on
    // this server, so the call must be too (a proxy retrying the join elsewhere would split it).
    const bool pendingSession = s.format == Job::Format::Queue && !s.sessionHash.isEmpty() && hasPendingEvents(s.sessionHash);
    if (m_stopped || (isDraining() && !pendingSession)) {
        joined.status = 503;
        joined.detail = QStringLiteral("Queue is stopped.");
        return joined;
    }
    if (m_options.maxQueueSize && m_scheduler.waitingCount() >= *m_options.maxQueueSize) {
        joined.status = 503;
        joined.detail = QStringLiteral("Queue is full. Max size is %1 and size is %2.")
                            .arg(*m_options.maxQueueSize)
                            .arg(m_scheduler.waitingCount());
        return joined;
    }
    const qint64 argBytes = s.request ? s.request->body.size() : 0;
    if (s.format == Job::Format::Queue && !s.sessionHash.isEmpty()) {
        if (s.sessionHash.size() > kMaxSessionHash) {
            joined.status = 400;
            joined.detail = QStringLiteral("session_hash is longer than %1 characters.").arg(kMaxSessionHash);
            return joined;
        }
        if (QString full = m_sessions.refusal(s.sessionHash, argBytes); !full.isEmpty()) {
            joined.status = 503;
            joined.detail = std::move(full);
            return joined;
        }
    }
    auto job = std::make_shared<Job>();
    if (m_metrics)
        job->joined.start();
    job->argBytes = argBytes;
    job->eventId = QUuid::createUuid().toString(QUuid::Id128);
    job->sessionHash = s.sessionHash.isEmpty() || s.format == Job::Format::Call ? job->eventId : s.sessionHash;
    job->endpoint = s.endpoint;
    job->format = s.format;
    job->observer = std::move(s.observer);
    job->groupKey = Scheduler::groupOf(*s.endpoint);
    auto ctx = std::make_shared<ContextPrivate>();
    ctx->caller = std::move(s.caller);
    ctx->eventId = job->eventId;
    ctx->sessionHash = s.sessionHash.isEmpty() ? job->eventId : s.sessionHash;
    if (s.request) {
        job->requestUrl = s.request->url;
        ctx->headers = s.request->headers;
        ctx->clientAddress = s.request->peer.toString();
        ctx->username = s.request->username;
    }
    std::weak_ptr<Mailbox> mailbox = m_mailbox;
    ctx->post = [mailbox](std::function<void()> fn) {
        if (auto box = mailbox.lock())
            box->post(std::move(fn));
    };
    const QString id = job->eventId;
    ctx->onProgress = [this, id] { progressReady(id); };
    ctx->callerBehind = [this, id] {
        auto it = m_jobs.find(id);
        Session *session = it == m_jobs.end() ? nullptr : m_sessions.find((*it)->sessionHash);
        return session && session->isCongested();
    };
    ctx->onLog = [this, id](const QString &level, const QString &text) {
        auto it = m_jobs.find(id);
        if (it == m_jobs.end() || (*it)->state != Job::State::Running)
            return;
        JobEvent e{JobEvent::Log};
        e.level = level;
        e.log = text;
        deliver(**it, e);
    };
    job->context = ctx;

    if (job->format != Job::Format::InProcess) {
        Session *session = m_sessions.obtain(
            job->sessionHash, job->format == Job::Format::Call ? Session::Flavour::Call : Session::Flavour::Queue);
        m_sessions.addEvent(session, job->eventId, argBytes);
    }
    m_jobs.insert(job->eventId, job);
    joined.eventId = job->eventId;

    // Its place in line once it joins, counting itself.
    JobEvent est = m_scheduler.estimation(job->groupKey, m_scheduler.waitingCount(job->groupKey), job->endpoint->id);
    est.queueSize += 1;
    deliver(*job, est);

    QList<files::RemoteFile> remote;
    try {
        if (m_files)
            files::prepareInputs(*m_files, api::parameterNames(*job->endpoint), s.args, &remote,
                                 m_fetcher ? m_fetcher->maxPerCall() : 0);
        job->args = s.normalized ? std::move(s.args) : api::normalizeArguments(*job->endpoint, std::move(s.args));
    } catch (const ArgumentError &e) {
        failBeforeRunning(job, e);
        return joined;
    }
    if (remote.isEmpty())
        enqueue(job);
    else
        fetchInputs(job, remote);
    return joined;
}

Response Queue::Joined::response() const
{
    return status == 200 ? Response::json(QJsonObject{{QStringLiteral("event_id"), eventId}}) : Response::error(status, detail);
}

void Queue::failBeforeRunning(const JobPtr &job, const ArgumentError &e)
{
    JobEvent failed{JobEvent::Failed};
    failed.error = userError(e);
    complete(job, failed);
}

void Queue::enqueue(const JobPtr &job)
{
    m_scheduler.add(job);
    schedule();
}

void Queue::fetchInputs(const JobPtr &job, const QList<files::RemoteFile> &remote)
{
    // The job is Waiting meanwhile, outside its group's list: cancelling it or losing its
    // session drops it from m_jobs, and with it the fetch.
    const QString eventId = job->eventId;
    job->fetch.reset(m_fetcher->fetch(remote, [this, eventId](const QHash<QString, QString> &fetched,
                                                             const QString &parameter, const QString &error) {
        const auto it = m_jobs.find(eventId);
        if (it == m_jobs.end() || (*it)->state != Job::State::Waiting)
            return;
        const JobPtr fetching = *it;
        fetching->fetch.reset();
        try {
            if (!error.isEmpty())
                throw ArgumentError(parameter, error);
            files::prepareInputs(*m_files, api::parameterNames(*fetching->endpoint), fetching->args, nullptr, 0, fetched);
        } catch (const ArgumentError &e) {
            failBeforeRunning(fetching, e);
            return;
        }
        enqueue(fetching);
    }));
}

void Queue::setMetrics(metrics::Registry *registry)
{
    m_metrics = registry;
    registry->addCollector([this](metrics::Exposition &e) {
        e.family("qradio_queue_waiting", "Calls waiting in the queue, by concurrency group.", "gauge");
        for (const QString &group : m_scheduler.groups())
            e.sample("qradio_queue_waiting", {{"group", group.toUtf8()}}, m_scheduler.waitingCount(group));
        e.family("qradio_jobs_running", "Calls running, by concurrency group.", "gauge");
        for (const QString &group : m_scheduler.groups())
            e.sample("qradio_jobs_running", {{"group", group.toUtf8()}}, m_scheduler.running(group));
    });
}

int Queue::waitingCount() const
{
    return m_scheduler.waitingCount();
}

void Queue::schedule()
{
    if (m_scheduling || m_stopped)
        return; // re-entered from a synchronous completion: the outer loop continues
    m_scheduling = true;
    while (JobPtr job = m_scheduler.next())
        start(job);
    m_scheduling = false;
}

void Queue::start(const JobPtr &job)
{
    const EndpointSpec &endpoint = *job->endpoint;
    if (m_metrics) {
        if (job->batchMembers.isEmpty())
            m_metrics->jobStarted(job->joined.nsecsElapsed() / 1e9);
        else
            for (const JobPtr &member : std::as_const(job->batchMembers))
                m_metrics->jobStarted(member->joined.nsecsElapsed() / 1e9);
    }
    JobEvent started{JobEvent::Started};
    started.eta = m_scheduler.meanDuration(endpoint.id);
    if (job->batchMembers.isEmpty())
        deliver(*job, started);
    else
        for (const JobPtr &member : std::as_const(job->batchMembers))
            deliver(*member, started);
    for (const auto &[waiting, estimate] : m_scheduler.estimations(job->groupKey))
        deliver(*waiting, estimate);

    if (endpoint.timeLimit) {
        job->timeLimitTimer = std::make_unique<QTimer>();
        job->timeLimitTimer->setSingleShot(true);
        const QString id = job->eventId;
        connect(job->timeLimitTimer.get(), &QTimer::timeout, this, [this, id] { timeUp(id); });
        job->timeLimitTimer->start(std::chrono::milliseconds(qint64(*endpoint.timeLimit * 1000)));
    }
    const QString id = job->eventId;
    QPointer<Queue> self(this);
    auto onDone = [self, id](Outcome outcome) {
        if (!self)
            return;
        if (outcome.error && !outcome.error->userError)
            outcome.error = self->internalError(outcome.error->message.toString());
        self->finished(id, outcome);
    };
    auto onValue = [self, id](const QJsonArray &outputs) {
        if (self)
            self->generated(id, outputs);
    };
    if (endpoint.invoker.coroutine)
        runCoroutine(*job, onValue, onDone);
    else
        runBlocking(m_scheduler.pool(job->groupKey), m_mailbox, *job, onValue, onDone);
}

void Queue::finished(const QString &eventId, const Outcome &outcome)
{
    auto it = m_jobs.find(eventId);
    if (it == m_jobs.end())
        return;
    JobPtr job = *it;
    m_scheduler.release(job->groupKey);
    const bool cancelled = outcome.cancelled;
    QJsonArray servable = outcome.outputs;
    std::optional<ErrorPayload> failure = outcome.error;
    if (!failure && !cancelled)
        prepareOutputs(*job, servable, &failure);
    // Taken out, not copied: a batch's first job lists itself, and that cycle would keep it alive.
    const QList<JobPtr> members = job->batchMembers.isEmpty() ? QList<JobPtr>{job} : std::exchange(job->batchMembers, {});
    const double seconds = job->clock.nsecsElapsed() / 1e9;
    if (!failure && !cancelled)
        m_scheduler.recordDuration(job->endpoint->id, seconds);
    if (m_metrics)
        m_metrics->jobFinished(job->endpoint->name, cancelled ? "cancelled" : failure ? "error" : "success", seconds);
    for (qsizetype m = 0; m < members.size(); ++m) {
        const JobPtr &member = members[m];
        if (member->state == Job::State::Done) {
            forget(*member); // already answered (cancelled or timed out)
            continue;
        }
        member->state = Job::State::Done;
        if (cancelled) {
            complete(member, JobEvent{JobEvent::Cancelled});
            continue;
        }
        if (failure) {
            JobEvent e{JobEvent::Failed};
            e.error = *failure;
            complete(member, e);
            continue;
        }
        JobEvent e{JobEvent::Completed};
        e.duration = seconds;
        e.averageDuration = m_scheduler.meanDuration(job->endpoint->id).toDouble();
        if (members.size() > 1 || job->endpoint->batch) {
            // A batch returns one list per output: each call gets its slice.
            for (const QJsonValue &column : std::as_const(servable))
                e.outputs.append(column.toArray().at(m));
        } else {
            e.outputs = servable;
        }
        complete(member, e);
    }
    schedule();
}

void Queue::complete(const JobPtr &job, const JobEvent &event)
{
    job->state = Job::State::Done;
    job->streamTimer.reset();
    job->timeLimitTimer.reset();
    job->context->cancel(); // wakes anything still sleeping on it
    deliver(*job, event);
    forget(*job);
}

void Queue::forget(const Job &job)
{
    if (Session *session = m_sessions.find(job.sessionHash))
        session->callEnded(job.eventId);
    m_jobs.remove(job.eventId);
    Q_EMIT settling();
}

bool Queue::isSettled(std::chrono::milliseconds abandonedAfter) const
{
    if (!m_jobs.isEmpty())
        return false;
    const QList<Session *> sessions = m_sessions.all();
    return std::none_of(sessions.cbegin(), sessions.cend(), [abandonedAfter](const Session *s) {
        return s->hasPending() && (s->hasStream() || s->quietFor() < abandonedAfter.count());
    });
}

void Queue::timeUp(const QString &eventId)
{
    auto it = m_jobs.find(eventId);
    if (it == m_jobs.end() || (*it)->state != Job::State::Running)
        return;
    JobPtr job = *it;
    job->context->cancel();
    JobEvent e{JobEvent::Failed};
    e.error.message = QStringLiteral("Time limit exceeded: '%1' ran longer than %2 s.")
                          .arg(job->endpoint->name)
                          .arg(*job->endpoint->timeLimit);
    e.error.userError = true;
    e.error.title = QStringLiteral("Time limit");
    // The worker keeps its slot until the function returns; finished() then just frees it.
    job->state = Job::State::Done;
    deliver(*job, e);
}

void Queue::cancel(const QString &eventId)
{
    auto it = m_jobs.find(eventId);
    if (it == m_jobs.end() || (*it)->state == Job::State::Done)
        return;
    JobPtr job = *it;
    if (job->state == Job::State::Waiting) {
        m_scheduler.remove(job);
        complete(job, JobEvent{JobEvent::Cancelled});
        return;
    }
    // Running: tell it to stop; its slot is freed when the function returns.
    job->context->cancel();
    job->state = Job::State::Done;
    job->streamTimer.reset();
    job->timeLimitTimer.reset();
    deliver(*job, JobEvent{JobEvent::Cancelled});
}

QString Queue::sessionOf(const QString &eventId) const
{
    return m_sessions.sessionOf(eventId);
}

bool Queue::hasSession(const QString &sessionHash) const
{
    return m_sessions.find(sessionHash);
}

bool Queue::hasPendingEvents(const QString &sessionHash) const
{
    const Session *session = m_sessions.find(sessionHash);
    return session && session->hasPending();
}

bool Queue::openStream(const QString &sessionHash, http::Exchange *exchange)
{
    Session *session = m_sessions.find(sessionHash);
    if (!session)
        return false;
    session->attach(exchange, m_options.heartbeatInterval, m_options.maxStreamBuffer);
    return true;
}

void Queue::streamLost(Session *session)
{
    // Gradio: closing the session's stream drops its waiting events and stops running ones.
    const QString hash = session->hash();
    for (auto it = m_jobs.begin(); it != m_jobs.end();) {
        const JobPtr &job = *it;
        if (job->sessionHash != hash || job->format == Job::Format::InProcess) {
            ++it;
            continue;
        }
        job->context->cancel();
        if (job->state == Job::State::Waiting) {
            m_scheduler.remove(job);
            job->state = Job::State::Done;
            it = m_jobs.erase(it);
            continue;
        }
        job->state = Job::State::Done; // running: its result will be dropped
        ++it;
    }
    m_sessions.drop(session);
}

void Queue::deliver(Job &job, const JobEvent &event)
{
    if (job.observer) {
        job.observer(event);
        return;
    }
    if (Session *session = m_sessions.find(job.sessionHash))
        session->push(frameFor(job, event));
}

void Queue::shutdown()
{
    if (m_stopped)
        return;
    m_stopped = true;
    m_sessions.stop();
    Q_EMIT stopping();
    m_mailbox->close();
    for (const JobPtr &job : std::as_const(m_jobs)) {
        job->context->cancel();
        if (job->observer && job->state != Job::State::Done) {
            job->state = Job::State::Done;
            JobEvent e{JobEvent::Failed};
            e.error.message = QStringLiteral("Server stopped.");
            e.error.userError = true;
            job->observer(e);
        }
        job->state = Job::State::Done;
        job->fetch.reset();
        job->batchMembers.clear(); // a running batch lists its first job in itself: break the cycle
    }
    for (Session *session : m_sessions.all())
        session->shutdown(frames::serverStopped(session->flavour() == Session::Flavour::Queue));
    m_scheduler.shutdown(std::chrono::seconds(3));
    m_jobs.clear();
}

} // namespace qradio::queue
