// SPDX-License-Identifier: MIT
#pragma once

#include "../mailbox.h"
#include "job.h"
#include "scheduler.h"
#include "sessiontable.h"

#include <qradio/server.h>

#include <QHash>
#include <QObject>

#include <atomic>
#include <memory>

namespace qradio::metrics {
class Registry;
}

namespace qradio {
class ArgumentError;
class CallerLink;
}

namespace qradio::files {
class FileStore;
class UrlFetcher;
struct RemoteFile;
}

namespace qradio::queue {

using qradio::Mailbox;
struct Outcome;

//! Gradio's queue on the network thread: concurrency groups with their worker pools, sessions
//! and their streams, estimations, cancellation, time limits, batching.
class Queue : public QObject
{
    Q_OBJECT
public:
    Queue(const ServerOptions &options, QObject *parent = nullptr);
    ~Queue() override;

    //! Where file arguments must come from and result files go (uploads, cache), and who fetches
    //! the ones named by URL; null: no files (no URLs).
    void setFiles(const files::FileStore *store, files::UrlFetcher *fetcher)
    {
        m_files = store;
        m_fetcher = fetcher;
    }
    //! Creates the concurrency groups; call once all endpoints are registered.
    void setEndpoints(const QList<std::shared_ptr<const EndpointSpec>> &endpoints);
    //! Counts waits and runs into `registry` and reports the queue's gauges at its scrapes
    //! (all on this thread). After setEndpoints(); the registry outlives the queue's calls.
    void setMetrics(metrics::Registry *registry);

    struct Submission
    {
        std::shared_ptr<const EndpointSpec> endpoint;
        QJsonArray args;
        QString sessionHash;     //!< empty: the event id is the session
        Job::Format format = Job::Format::Queue;
        const Request *request = nullptr; //!< headers and peer for the Context
        std::function<void(const JobEvent &)> observer; //!< for Format::InProcess
        //! What the caller lets the endpoint do beyond HTTP (MCP); carried to the Context.
        std::shared_ptr<const CallerLink> caller;
        //! The caller ran api::normalizeArguments() already (to answer a refusal its own way):
        //! the arguments are not checked a second time.
        bool normalized = false;
    };
    struct Joined
    {
        int status = 200;       //!< 200, or the HTTP status of the refusal
        QString detail;         //!< why it was refused
        QString eventId;
        //! The answer to the request that joined: {"event_id": ...}, or the refusal.
        Response response() const;
    };
    //! Enqueues a call (queue/join, /call, in-process). Arguments that do not fit the endpoint
    //! make the event fail with a message naming the parameter; it never reaches a worker.
    Joined submit(Submission submission);

    //! Streams a session's frames on `exchange`. False if the session is unknown.
    bool openStream(const QString &sessionHash, http::Exchange *exchange);
    bool hasSession(const QString &sessionHash) const;
    //! The session has events waiting or running.
    bool hasPendingEvents(const QString &sessionHash) const;
    //! The session an event belongs to (empty if unknown).
    QString sessionOf(const QString &eventId) const;
    //! Cancels an event: a waiting one leaves the queue at once, a running one is told to stop.
    void cancel(const QString &eventId);
    //! Waiting events across all groups.
    int waitingCount() const;
    //! Stops accepting, cancels every job, ends every stream; emits stopping() first.
    void shutdown();
    bool isStopped() const { return m_stopped; }
    //! Refuses new calls from now on ("Queue is stopped."); what was accepted still runs.
    void beginDrain() { m_draining.store(true, std::memory_order_relaxed); }
    //! beginDrain() was called; any thread (the health routes read it on the network threads).
    bool isDraining() const { return m_draining.load(std::memory_order_relaxed); }
    //! Calls waiting or running (their result not yet handed to the session or caller).
    qsizetype activeCalls() const { return m_jobs.size(); }
    //! Nothing waits or runs and every session's results went out on its stream, but for
    //! sessions nobody reads that have been quiet for `abandonedAfter`.
    bool isSettled(std::chrono::milliseconds abandonedAfter) const;
    const ServerOptions &options() const { return m_options; }

Q_SIGNALS:
    //! The server is stopping: streams that are not the queue's own end now too.
    void stopping();
    //! A call ended or a session's last message went out: a drain looks whether it is done.
    void settling();

private:
    //! Result files made servable (see files::prepareOutputs); false (job failed) when one may not be.
    bool prepareOutputs(Job &job, QJsonArray &outputs, std::optional<ErrorPayload> *error);
    void fetchInputs(const JobPtr &job, const QList<files::RemoteFile> &remote);
    void enqueue(const JobPtr &job);
    //! Its arguments were refused: the event fails with the message naming the parameter.
    void failBeforeRunning(const JobPtr &job, const ArgumentError &e);
    void schedule();
    //! Reports its start, then hands it to its runner.
    void start(const JobPtr &job);
    void generated(const QString &eventId, const QJsonArray &outputs);
    void returnCredit(Job &job);
    void sessionDrained(Session *session);
    void sendGenerated(Job &job);
    void finished(const QString &eventId, const Outcome &outcome);
    void complete(const JobPtr &job, const JobEvent &event);
    //! The call is over: it leaves the table and its session stops counting its arguments.
    void forget(const Job &job);
    void deliver(Job &job, const JobEvent &event);
    void timeUp(const QString &eventId);
    void progressReady(const QString &eventId);
    void streamLost(Session *session);
    ErrorPayload internalError(const QString &what) const;

    ServerOptions m_options;
    const files::FileStore *m_files = nullptr;
    files::UrlFetcher *m_fetcher = nullptr;
    std::shared_ptr<Mailbox> m_mailbox;
    QHash<QString, JobPtr> m_jobs;           //!< by event id, until terminal
    SessionTable m_sessions;
    Scheduler m_scheduler;
    metrics::Registry *m_metrics = nullptr;
    bool m_stopped = false;
    std::atomic<bool> m_draining = false;
    bool m_scheduling = false;
};

} // namespace qradio::queue
