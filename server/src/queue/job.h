// SPDX-License-Identifier: MIT
#pragma once

#include <qradio/endpoint.h>
#include <qradio/http.h>

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QPointer>
#include <QString>
#include <QTimer>
#include <QUrl>

#include <functional>
#include <memory>

namespace qradio {
class ContextPrivate;
}

namespace qradio::queue {

//! The error payload Gradio puts in `output` (section 4.5 of the protocol spec).
struct ErrorPayload
{
    QJsonValue message;     //!< string, or null when the text is hidden
    bool userError = false; //!< raised as qradio::Error: duration/visible/title are sent
    double duration = 10;
    bool visible = true;
    QString title = QStringLiteral("Error");
    bool shown = false;     //!< an internal error shown because of showError

    //! The `output` object, keys in Gradio's order.
    QByteArray toJson(bool pythonStyle = false) const;
};

//! What happens to a job, as the queue reports it: turned into SSE frames for HTTP clients,
//! or handed as is to in-process observers (MCP).
struct JobEvent
{
    enum Kind { Estimation, Started, Progress, Log, Generated, Completed, Failed, Cancelled } kind;
    explicit JobEvent(Kind k) : kind(k) {}
    // Estimation
    int rank = 0;
    int queueSize = 0;
    QJsonValue rankEta;
    // Started / completion timing
    QJsonValue eta;
    double duration = 0;
    double averageDuration = 0;
    // Progress
    QJsonArray progress; //!< progress_data entries
    // Log
    QString log;
    QString level;
    // Generated / Completed: full output values
    QJsonArray outputs;
    // Failed
    ErrorPayload error;
};

//! Deletes a QObject from its own thread's event loop (it may be in one of its signals).
struct LaterDeleter
{
    void operator()(QObject *object) const { object->deleteLater(); }
};

//! One call of an endpoint, from join to its terminal event. Network thread only, except
//! `context`, which the worker shares.
struct Job
{
    enum class State { Waiting, Running, Done };
    enum class Format { Queue, Call, InProcess };

    QString eventId;
    QString sessionHash;
    std::shared_ptr<const EndpointSpec> endpoint;
    QJsonArray args;
    qint64 argBytes = 0;           //!< the request body it came in: counted against maxSessionBytes
    QUrl requestUrl;               //!< of the request that made the call: result file URLs start from it
    Format format = Format::Queue;
    State state = State::Waiting;
    std::shared_ptr<ContextPrivate> context;
    //! In-process callers (MCP) receive events here instead of through a session.
    std::function<void(const JobEvent &)> observer;
    QElapsedTimer clock;           //!< started when the job starts running
    QElapsedTimer joined;          //!< started when the job is made (metrics: its wait)
    QJsonArray lastSent;           //!< last outputs sent (diff base); empty before the first
    bool generatedOnce = false;
    QJsonArray pendingOutputs;     //!< newest value held back by stream_every
    QElapsedTimer lastGenerated;
    std::unique_ptr<QTimer> streamTimer;
    int heldCredits = 0;           //!< generator credits kept back while the client is behind
    std::unique_ptr<QTimer> timeLimitTimer;
    //! Fetching the files the arguments name by URL; the job joins its group once they are here.
    std::unique_ptr<QObject, LaterDeleter> fetch;
    QString groupKey;
    //! For a batch: the jobs that ran together with this one (this one first).
    QList<std::shared_ptr<Job>> batchMembers;
};

using JobPtr = std::shared_ptr<Job>;

} // namespace qradio::queue
