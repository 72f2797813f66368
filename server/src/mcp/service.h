// SPDX-License-Identifier: MIT
#pragma once

#include "../mailbox.h"
#include "../queue/context_p.h"
#include "catalog.h"
#include "protocol.h"
#include "session.h"

#include <qradio/http.h>

#include <QHash>
#include <QHostAddress>
#include <QPointer>
#include <QThread>
#include <QThreadPool>

#include <condition_variable>
#include <memory>
#include <mutex>

namespace qradio {
namespace queue {
class Queue;
struct JobEvent;
} // namespace queue
namespace files {
class FileStore;
} // namespace files
} // namespace qradio

namespace qradio::mcp {

//! A worker thread waiting for the client's answer to a server request (mcp::request()).
struct Waiter
{
    std::mutex mutex;
    std::condition_variable wake;
    bool done = false;
    QJsonObject result;
    QString error; //!< set when the request failed
    void complete(QJsonObject r, QString e);
};

//! One request being answered later: a tool call, resource read or prompt run through the
//! queue, or a completion on the worker pool.
struct Call
{
    QString key;            //!< session (or peer) and request id
    QJsonValue requestId;
    std::weak_ptr<Session> session;
    std::shared_ptr<Reply> reply;
    QString eventId;        //!< the queue job, once submitted
    QString name;           //!< tool name, for log messages
    QJsonValue progressToken;
    double lastProgress = 0;
    bool progressSent = false;
    bool done = false;
    bool ended = false;     //!< endCall() ran: its session no longer counts it
    bool streaming = false; //!< something went out on the reply before the answer
    QStringList clientRequests; //!< ids of server requests awaiting the client
};

//! The MCP protocol engine of one listening server, independent of the transport that
//! carries the messages. Lives on the network thread; post() reaches it from anywhere.
class Service : public std::enable_shared_from_this<Service>
{
public:
    //! Open MCP sessions (metrics).
    qsizetype sessionCount() const { return m_sessions.size(); }
    struct Settings
    {
        QString title;
        QString version;
        QString instructions;
        int maxSessions = 1000; //!< ServerOptions::maxMcpSessions
    };
    //! `core` is the core thread's object, where the service runs; `queue` runs its calls;
    //! `files` stores the files tools are given as data: URLs.
    Service(QObject *core, queue::Queue *queue, const files::FileStore *files, std::shared_ptr<const Catalog> catalog,
            Settings settings);
    ~Service();

    const Catalog &catalog() const { return *m_catalog; }
    //! The queue, or null once the server stopped.
    queue::Queue *queue() const;

    //! What came with a message besides its JSON.
    struct Incoming
    {
        std::shared_ptr<Session> session; //!< null: a sessionless streamable-HTTP request
        std::shared_ptr<Reply> reply;     //!< where a request's answer goes
        HeaderList headers;
        QUrl url;                         //!< of the HTTP request (result file URLs start from it)
        QHostAddress peer;
        QSet<QString> toolFilter;         //!< `?tools=a,b` on the URL; empty: all
    };
    //! Handles one classified message (not Invalid).
    void handle(const Message &message, const Incoming &in);

    //! Null when the session table is full of sessions in use (none is dropped for a newcomer).
    std::shared_ptr<Session> createSession(Session::Transport transport);
    //! Why an initialize with `params` is refused (client data larger than a session keeps), or empty.
    static QString initializeRefusal(const QJsonObject &params);
    std::shared_ptr<Session> session(const QString &id) const;
    //! Ends a session: its calls are cancelled and its stream closed.
    void closeSession(const QString &id);

    //! Hands work to the network thread from any thread; drops it before the service's first
    //! request (ensureHost opens it) and after shutdown.
    void post(std::function<void()> fn) { m_mailbox->post(std::move(fn)); }
    std::shared_ptr<Mailbox> mailbox() const { return m_mailbox; }
    //! Creates the service's network-thread object (call on the network thread).
    void ensureHost();
    //! notifications/resources/updated to the sessions subscribed to `uri`.
    void resourceUpdated(const QString &uri);
    //! Called by mcp::request() through post(): sends a server request on behalf of `call`.
    void clientRequest(const std::shared_ptr<Call> &call, const QString &method, const QJsonObject &params,
                       std::shared_ptr<Waiter> waiter);
    void dropClientRequest(const std::shared_ptr<Waiter> &waiter);
    //! Called by mcp::log() through post().
    void logFromCall(const std::shared_ptr<Call> &call, int level, const QJsonValue &data, const QString &logger);

private:
    class Host;
    friend class Host;
    void tick();
    void detach();

    void handleNotification(const Message &m, const Incoming &in);
    void handleResponse(const Message &m, const Incoming &in);
    void handleRequest(const Message &m, const Incoming &in);
    QJsonObject initialize(const Message &m, const Incoming &in, QString *error);
    void callTool(const Message &m, const Incoming &in);
    //! Files given as data: URLs (how MCP passes them), wherever the schema has a file.
    QJsonValue filesFromText(const QJsonObject &schema, const QJsonValue &value, const QString &name) const;
    void readResource(const Message &m, const Incoming &in);
    void getPrompt(const Message &m, const Incoming &in);
    void complete(const Message &m, const Incoming &in);

    //! Runs `endpoint` for the request `m` through the queue; `success` turns its outputs into
    //! the answer, `failure` its error message.
    void runEndpoint(const Message &m, const Incoming &in, const std::shared_ptr<const EndpointSpec> &endpoint,
                     const QJsonArray &args, const QString &name,
                     std::function<QByteArray(const QJsonValue &id, const QJsonArray &outputs)> success,
                     std::function<QByteArray(const QJsonValue &id, const QString &message)> failure);
    void onJobEvent(const std::shared_ptr<Call> &call, const queue::JobEvent &event,
                    const std::function<QByteArray(const QJsonValue &, const QJsonArray &)> &success,
                    const std::function<QByteArray(const QJsonValue &, const QString &)> &failure);
    void sendProgress(Call &call, const QJsonArray &progressData);
    void sendLog(Call &call, int level, const QJsonValue &data, const QString &logger);
    //! Sends a message related to `call`: on its reply, else on its session's outlet.
    bool sendRelated(Call &call, const QByteArray &message);
    void endCall(const std::shared_ptr<Call> &call);
    std::shared_ptr<Call> newCall(const Message &m, const Incoming &in);
    static QString callKey(const Incoming &in, const QJsonValue &id);

    QPointer<QObject> m_core;
    QPointer<queue::Queue> m_queue;
    const files::FileStore *m_files;
    std::shared_ptr<const Catalog> m_catalog;
    Settings m_settings;
    Host *m_host = nullptr;
    bool m_stopped = false;
    std::shared_ptr<Mailbox> m_mailbox = std::make_shared<Mailbox>();

    QHash<QString, std::shared_ptr<Session>> m_sessions;
    QHash<QString, std::shared_ptr<Call>> m_calls;
    struct PendingRequest
    {
        std::weak_ptr<Call> call;
        std::shared_ptr<Waiter> waiter;
        QString sessionId;
    };
    QHash<QString, PendingRequest> m_pending; //!< by idKey of the server request
    quint64 m_nextRequestId = 0;
    QList<std::weak_ptr<Reply>> m_streams;    //!< open POST streams, for keep-alives
    std::unique_ptr<QThreadPool> m_pool;      //!< completions
};

//! What an MCP call lets its endpoint do (mcp::request(), mcp::log(), clientCapabilities()):
//! the queue carries it to the endpoint's Context. Read from the worker; the call and the
//! service are reached only on the network thread, through the mailbox.
struct CallLink : CallerLink
{
    std::weak_ptr<Service> service;
    std::weak_ptr<Call> call;
    std::shared_ptr<Mailbox> mailbox;
    QThread *thread = nullptr; //!< the network thread
    QJsonObject capabilities;
};

} // namespace qradio::mcp
