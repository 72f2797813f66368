// SPDX-License-Identifier: MIT
// The MCP engine: sessions, message dispatch and the requests answered at once.
#include "service.h"

#include "../queue/queue.h"

#include <QJsonDocument>
#include <QLoggingCategory>
#include <QTimer>
#include <QUuid>

Q_LOGGING_CATEGORY(lcMcp, "qradio.mcp", QtInfoMsg)

namespace qradio::mcp {

//! The service's foothold on the core thread: a child of the core object, so it dies with it.
class Service::Host : public QObject
{
public:
    Host(Service *service, QObject *parent) : QObject(parent), m_service(service), m_timer(this)
    {
        connect(&m_timer, &QTimer::timeout, this, [this] { m_service->tick(); });
        m_timer.start(std::chrono::seconds(15));
    }
    ~Host() override { m_service->detach(); }

private:
    Service *m_service;
    QTimer m_timer;
};

static constexpr qint64 kSessionIdleMs = 60LL * 60 * 1000;
static constexpr qint64 kEvictableIdleMs = 5LL * 60 * 1000;

void Waiter::complete(QJsonObject r, QString e)
{
    {
        std::lock_guard lock(mutex);
        if (done)
            return;
        done = true;
        result = std::move(r);
        error = std::move(e);
    }
    wake.notify_all();
}

Service::Service(QObject *core, queue::Queue *queue, const files::FileStore *files, std::shared_ptr<const Catalog> catalog,
                 Settings settings)
    : m_core(core), m_queue(queue), m_files(files), m_catalog(std::move(catalog)), m_settings(std::move(settings)), m_pool(std::make_unique<QThreadPool>())
{
    m_pool->setMaxThreadCount(2);
    m_pool->setObjectName(QStringLiteral("qradio-mcp"));
}

Service::~Service()
{
    m_pool->waitForDone();
}

queue::Queue *Service::queue() const
{
    return m_stopped ? nullptr : m_queue.data();
}

void Service::ensureHost()
{
    if (m_host || m_stopped || !m_core)
        return;
    m_host = new Host(this, m_core);
    m_mailbox->open(m_host);
}

void Service::detach()
{
    m_mailbox->close();
    m_stopped = true;
    m_host = nullptr;
    for (const auto &pending : std::as_const(m_pending))
        pending.waiter->complete({}, QStringLiteral("The server stopped."));
    m_pending.clear();
    m_calls.clear();
    for (const auto &session : std::as_const(m_sessions))
        if (session->outlet)
            session->outlet->close();
    m_sessions.clear();
}

void Service::tick()
{
    m_streams.removeIf([](const std::weak_ptr<Reply> &r) { return r.expired() || !r.lock()->isOpen(); });
    for (const auto &weak : std::as_const(m_streams))
        if (auto reply = weak.lock())
            reply->keepAlive();
    QStringList stale;
    for (const auto &session : std::as_const(m_sessions)) {
        const bool open = session->outlet && session->outlet->isOpen();
        if (open)
            session->outlet->keepAlive();
        else if (session->transport == Session::Transport::StreamableHttp && session->lastActive.elapsed() > kSessionIdleMs)
            stale.append(session->id);
    }
    for (const QString &id : std::as_const(stale))
        closeSession(id);
}

// ---- sessions ---------------------------------------------------------------------------------

std::shared_ptr<Session> Service::createSession(Session::Transport transport)
{
    ensureHost();
    if (m_sessions.size() >= std::max(1, m_settings.maxSessions)) {
        // Make room by dropping the longest-idle streamable session that is not in use: no open
        // stream, nothing in flight, quiet for kEvictableIdleMs. Sessions in use are never
        // dropped for a newcomer: without room the newcomer is refused.
        QString oldest;
        qint64 idle = kEvictableIdleMs - 1;
        for (const auto &s : std::as_const(m_sessions)) {
            if (s->transport == Session::Transport::StreamableHttp && !(s->outlet && s->outlet->isOpen())
                && s->callsInFlight == 0 && s->lastActive.elapsed() > idle) {
                idle = s->lastActive.elapsed();
                oldest = s->id;
            }
        }
        if (oldest.isEmpty())
            return nullptr;
        closeSession(oldest);
    }
    auto session = std::make_shared<Session>(QUuid::createUuid().toString(QUuid::Id128), transport);
    session->protocolVersion = transport == Session::Transport::StreamableHttp ? defaultHeaderVersion()
                                                                               : supportedVersions().first();
    m_sessions.insert(session->id, session);
    return session;
}

std::shared_ptr<Session> Service::session(const QString &id) const
{
    return m_sessions.value(id);
}

void Service::closeSession(const QString &id)
{
    auto session = m_sessions.take(id);
    if (!session)
        return;
    QList<std::shared_ptr<Call>> calls;
    for (const auto &call : std::as_const(m_calls))
        if (call->session.lock() == session)
            calls.append(call);
    for (const auto &call : std::as_const(calls)) {
        if (!call->eventId.isEmpty() && queue())
            queue()->cancel(call->eventId);
        if (!call->done) {
            call->done = true;
            call->reply->abandon();
        }
        endCall(call);
    }
    if (session->outlet)
        session->outlet->close();
}

// ---- dispatch ---------------------------------------------------------------------------------

void Service::handle(const Message &message, const Incoming &in)
{
    ensureHost();
    if (in.session)
        in.session->lastActive.start();
    switch (message.kind) {
    case Message::Request:
        handleRequest(message, in);
        break;
    case Message::Notification:
        handleNotification(message, in);
        break;
    case Message::Response:
        handleResponse(message, in);
        break;
    case Message::Invalid:
        break;
    }
}

QString Service::callKey(const Incoming &in, const QJsonValue &id)
{
    // Without a session, request ids are only unique per client: key them by address.
    const QString owner = in.session ? in.session->id : QStringLiteral("peer:") + in.peer.toString();
    return owner + QLatin1Char('|') + idKey(id);
}

void Service::handleNotification(const Message &m, const Incoming &in)
{
    if (m.method == QLatin1String("notifications/initialized")) {
        if (in.session)
            in.session->initialized = true;
    } else if (m.method == QLatin1String("notifications/cancelled")) {
        const QJsonValue id = m.params.value(QLatin1String("requestId"));
        auto call = m_calls.value(callKey(in, id));
        if (!call || call->done)
            return;
        qCDebug(lcMcp) << "client cancelled request" << id << m.params.value(QLatin1String("reason")).toString();
        call->done = true;
        if (!call->eventId.isEmpty() && queue())
            queue()->cancel(call->eventId); // its Cancelled event finds the call done
        call->reply->abandon();
        endCall(call);
    }
    // Other notifications (progress of ours, roots/list_changed, ...) need nothing.
}

void Service::handleResponse(const Message &m, const Incoming &in)
{
    const auto it = m_pending.find(idKey(m.id));
    if (it == m_pending.end())
        return;
    if (!it->sessionId.isEmpty() && in.session && in.session->id != it->sessionId)
        return; // another session's id: not the answer we wait for
    PendingRequest pending = *it;
    m_pending.erase(it);
    if (auto call = pending.call.lock())
        call->clientRequests.removeAll(idKey(m.id));
    const QJsonObject error = m.json.value(QLatin1String("error")).toObject();
    if (m.json.contains(QLatin1String("error")))
        pending.waiter->complete({}, error.value(QLatin1String("message")).toString(QStringLiteral("the client answered with an error")));
    else
        pending.waiter->complete(m.json.value(QLatin1String("result")).toObject(), {});
}

static QJsonObject capabilities()
{
    return {{QStringLiteral("tools"), QJsonObject{{QStringLiteral("listChanged"), false}}},
            {QStringLiteral("resources"), QJsonObject{{QStringLiteral("subscribe"), true}, {QStringLiteral("listChanged"), false}}},
            {QStringLiteral("prompts"), QJsonObject{{QStringLiteral("listChanged"), false}}},
            {QStringLiteral("logging"), QJsonObject()},
            {QStringLiteral("completions"), QJsonObject()}};
}

QString Service::initializeRefusal(const QJsonObject &params)
{
    const qsizetype kept = QJsonDocument(params.value(QLatin1String("clientInfo")).toObject()).toJson(QJsonDocument::Compact).size()
        + QJsonDocument(params.value(QLatin1String("capabilities")).toObject()).toJson(QJsonDocument::Compact).size();
    if (kept <= kMaxClientData)
        return {};
    return QStringLiteral("params.clientInfo and params.capabilities take %1 bytes, more than the %2 a session keeps")
        .arg(kept)
        .arg(kMaxClientData);
}

QJsonObject Service::initialize(const Message &m, const Incoming &in, QString *error)
{
    const QJsonValue requested = m.params.value(QLatin1String("protocolVersion"));
    if (!requested.isString()) {
        *error = QStringLiteral("initialize needs params.protocolVersion");
        return {};
    }
    if (const QString refusal = initializeRefusal(m.params); !refusal.isEmpty()) {
        *error = refusal;
        return {};
    }
    const QString version = negotiateVersion(requested.toString());
    if (in.session) {
        in.session->protocolVersion = version;
        in.session->clientCapabilities = m.params.value(QLatin1String("capabilities")).toObject();
        in.session->clientInfo = m.params.value(QLatin1String("clientInfo")).toObject();
    }
    QJsonObject result{{QStringLiteral("protocolVersion"), version},
                       {QStringLiteral("capabilities"), capabilities()},
                       {QStringLiteral("serverInfo"), QJsonObject{{QStringLiteral("name"), m_settings.title},
                                                                  {QStringLiteral("version"), m_settings.version}}}};
    if (!m_settings.instructions.isEmpty())
        result.insert(QStringLiteral("instructions"), m_settings.instructions);
    return result;
}

template<typename Entry>
static QJsonArray listingsOf(const QList<Entry> &entries)
{
    QJsonArray out;
    for (const Entry &e : entries)
        out.append(e.listing);
    return out;
}

void Service::handleRequest(const Message &m, const Incoming &in)
{
    const QJsonValue &id = m.id;
    Reply &reply = *in.reply;
    if (m.error.startsWith(QLatin1String("params:"))) {
        reply.finish(errorMessage(id, code::InvalidParams, m.error.mid(7)));
        return;
    }
    const QString &method = m.method;
    auto answer = [&](const QJsonObject &result) { reply.finish(resultMessage(id, result)); };

    if (method == QLatin1String("initialize")) {
        QString error;
        const QJsonObject result = initialize(m, in, &error);
        if (!error.isEmpty())
            reply.finish(errorMessage(id, code::InvalidParams, error));
        else
            answer(result);
    } else if (method == QLatin1String("ping")) {
        answer({});
    } else if (method == QLatin1String("tools/list")) {
        QJsonArray tools;
        for (const ToolEntry &t : m_catalog->tools())
            if (in.toolFilter.isEmpty() || in.toolFilter.contains(t.name))
                tools.append(t.listing);
        answer({{QStringLiteral("tools"), tools}});
    } else if (method == QLatin1String("tools/call")) {
        callTool(m, in);
    } else if (method == QLatin1String("resources/list")) {
        answer({{QStringLiteral("resources"), listingsOf(m_catalog->resources())}});
    } else if (method == QLatin1String("resources/templates/list")) {
        answer({{QStringLiteral("resourceTemplates"), listingsOf(m_catalog->templates())}});
    } else if (method == QLatin1String("resources/read")) {
        readResource(m, in);
    } else if (method == QLatin1String("resources/subscribe") || method == QLatin1String("resources/unsubscribe")) {
        const QJsonValue uri = m.params.value(QLatin1String("uri"));
        if (!uri.isString()) {
            reply.finish(errorMessage(id, code::InvalidParams, QStringLiteral("params.uri must be a string")));
            return;
        }
        if (in.session && method == QLatin1String("resources/subscribe")
            && (uri.toString().size() > kMaxUriLength
                || (in.session->subscriptions.size() >= kMaxSubscriptions && !in.session->subscriptions.contains(uri.toString())))) {
            reply.finish(errorMessage(id, code::InvalidParams,
                                      QStringLiteral("a session subscribes to at most %1 resources, with URIs of at most %2 "
                                                     "characters")
                                          .arg(kMaxSubscriptions)
                                          .arg(kMaxUriLength)));
            return;
        }
        if (in.session) {
            if (method == QLatin1String("resources/subscribe"))
                in.session->subscriptions.insert(uri.toString());
            else
                in.session->subscriptions.remove(uri.toString());
        }
        answer({});
    } else if (method == QLatin1String("prompts/list")) {
        answer({{QStringLiteral("prompts"), listingsOf(m_catalog->prompts())}});
    } else if (method == QLatin1String("prompts/get")) {
        getPrompt(m, in);
    } else if (method == QLatin1String("logging/setLevel")) {
        const int level = logLevelIndex(m.params.value(QLatin1String("level")).toString());
        if (level < 0) {
            reply.finish(errorMessage(id, code::InvalidParams,
                                      QStringLiteral("params.level must be one of: ") + logLevels().join(QStringLiteral(", "))));
            return;
        }
        if (in.session)
            in.session->logLevel = level;
        answer({});
    } else if (method == QLatin1String("completion/complete")) {
        complete(m, in);
    } else {
        reply.finish(errorMessage(id, code::MethodNotFound, QStringLiteral("Method not found: ") + method));
    }
}

void Service::resourceUpdated(const QString &uri)
{
    const QByteArray message =
        notificationMessage(QStringLiteral("notifications/resources/updated"), {{QStringLiteral("uri"), uri}});
    for (const auto &session : std::as_const(m_sessions))
        if (session->subscriptions.contains(uri) && session->outlet)
            session->outlet->send(message);
}

} // namespace qradio::mcp
