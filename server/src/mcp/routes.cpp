// SPDX-License-Identifier: MIT
// The HTTP transports under /gradio_api/mcp: streamable HTTP (POST/GET/DELETE on the endpoint),
// the legacy HTTP+SSE pair, the schema, the browser page; and installRoutes(), which builds
// the service at listen().
#include "landing.h"
#include "service.h"

#include "../http/exchange.h"
#include "../metrics/exposition.h"
#include "../metrics/registry.h"
#include "../routes.h"
#include "registry_p.h"

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcMcp)

namespace qradio::mcp {

using http::Exchange;

namespace {

constexpr qint64 kMaxMessage = 4 * 1024 * 1024;
const QString kSessionsFull = QStringLiteral("The server has as many MCP sessions as it keeps, all in use; try again later.");
const QString kBase = QStringLiteral("/gradio_api/mcp");

struct Routes
{
    RouteContext context;
    std::shared_ptr<Service> service;
    http::Responder *out() const { return context.out; }
};
using Ctx = std::shared_ptr<const Routes>;

//! An HTTP-level error with a JSON-RPC body (no request id is known at that level).
Response rpcError(int status, int code, const QString &message, const QJsonValue &id = QJsonValue())
{
    return Response(status, errorMessage(id, code, message), "application/json");
}

//! The MCP-Protocol-Version header, if any, names a version we speak. False when answered.
bool versionAccepted(const Ctx &c, Exchange *ex)
{
    const QByteArray version = ex->request().header("mcp-protocol-version");
    if (!version.isEmpty() && !supportedVersions().contains(QString::fromLatin1(version))) {
        c->out()->respond(ex, rpcError(400, code::InvalidRequest,
                                        QStringLiteral("Bad Request: Unsupported protocol version: %1. Supported versions: %2")
                                            .arg(QString::fromLatin1(version), supportedVersions().join(QStringLiteral(", ")))));
        return false;
    }
    return true;
}

//! The protocol version, unless told not to. False when already answered. (Host, Origin, token
//! and the JSON content type were checked by the front's guard, as for every route.)
bool admit(const Ctx &c, Exchange *ex, bool checkVersion = true)
{
    return !checkVersion || versionAccepted(c, ex);
}

bool accepts(const Request &r, QByteArrayView type)
{
    const QByteArray accept = r.header("accept");
    return accept.isEmpty() || accept.contains(type) || accept.contains("*/*");
}

Response withSession(Response r, const QString &sessionId)
{
    if (!sessionId.isEmpty())
        r.setHeader("Mcp-Session-Id", sessionId.toLatin1());
    r.setHeader("Access-Control-Expose-Headers", "Mcp-Session-Id");
    return r;
}

//! Parses one JSON-RPC message from a body, or answers the error and returns Invalid.
Message parse(const Ctx &c, Exchange *ex)
{
    const Request &r = ex->request();
    Message none;
    if (r.body.size() > kMaxMessage) {
        c->out()->respond(ex, rpcError(413, code::InvalidRequest, QStringLiteral("Request body too large: the limit is 4 MiB.")));
        return none;
    }
    const ParsedJson json = ParsedJson::parse(r.body);
    if (json.kind == ParsedJson::Error) {
        c->out()->respond(ex, rpcError(400, code::ParseError, json.error));
        return none;
    }
    if (json.kind == ParsedJson::Array) {
        c->out()->respond(ex, rpcError(400, code::InvalidRequest, QStringLiteral("Invalid Request: batches are not supported")));
        return none;
    }
    Message m = json.kind == ParsedJson::Object ? Message::classify(json.object) : Message();
    if (json.kind == ParsedJson::Other)
        m.error = QStringLiteral("a message must be a JSON object");
    if (m.kind == Message::Invalid) {
        const QJsonValue id = m.id.isString() || m.id.isDouble() ? m.id : QJsonValue();
        c->out()->respond(ex, rpcError(400, code::InvalidRequest, QStringLiteral("Invalid Request: ") + m.error, id));
    }
    return m;
}

Service::Incoming incoming(const Request &r, std::shared_ptr<Session> session)
{
    Service::Incoming in;
    in.session = std::move(session);
    in.headers = r.headers;
    in.url = r.url;
    in.peer = r.peer;
    const QString tools = r.query.queryItemValue(QStringLiteral("tools"));
    if (!tools.isEmpty())
        for (const QString &t : tools.split(QLatin1Char(','), Qt::SkipEmptyParts))
            in.toolFilter.insert(t.trimmed());
    return in;
}

// ---- streamable HTTP --------------------------------------------------------------------------

void streamablePost(const Ctx &c, Exchange *ex)
{
    const Request &r = ex->request();
    if (!admit(c, ex, false))
        return;
    const Message m = parse(c, ex);
    if (m.kind == Message::Invalid)
        return;
    const bool initialize = m.kind == Message::Request && m.method == QLatin1String("initialize");
    if (!initialize && !versionAccepted(c, ex))
        return;

    std::shared_ptr<Session> session;
    const QString sessionId = QString::fromLatin1(r.header("mcp-session-id"));
    if (initialize) {
        // Refused before a session is made for it.
        if (const QString refusal = Service::initializeRefusal(m.params); !refusal.isEmpty()) {
            c->out()->respond(ex, rpcError(400, code::InvalidParams, refusal, m.id));
            return;
        }
        session = c->service->createSession(Session::Transport::StreamableHttp);
        if (!session) {
            c->out()->respond(ex, rpcError(503, code::InternalError, kSessionsFull, m.id));
            return;
        }
    } else if (!sessionId.isEmpty()) {
        session = c->service->session(sessionId);
        if (!session || session->transport != Session::Transport::StreamableHttp) {
            c->out()->respond(ex, rpcError(404, code::SessionNotFound, QStringLiteral("Session not found"),
                                            m.kind == Message::Request ? m.id : QJsonValue()));
            return;
        }
        const QByteArray version = r.header("mcp-protocol-version");
        if (!version.isEmpty())
            session->protocolVersion = QString::fromLatin1(version);
    }
    Service::Incoming in = incoming(r, session);
    if (m.kind != Message::Request) {
        c->service->handle(m, in);
        c->out()->respond(ex, withSession(Response(202, {}, {}), session ? session->id : QString()));
        return;
    }
    in.reply = PostReply::create(c->out(), ex, accepts(r, "text/event-stream"), session ? session->id : QString());
    c->service->handle(m, in);
}

void streamableGet(const Ctx &c, Exchange *ex)
{
    const Request &r = ex->request();
    if (!admit(c, ex))
        return;
    if (!r.header("accept").contains("text/event-stream")) {
        c->out()->respond(ex, Response::html(landingPage(c->service->catalog(), r, *c->context.options)));
        return;
    }
    const QString sessionId = QString::fromLatin1(r.header("mcp-session-id"));
    if (sessionId.isEmpty()) {
        // Without a session there is nothing to push: MCP lets the server say so with 405.
        Response no = rpcError(405, code::InvalidRequest,
                               QStringLiteral("Method Not Allowed: a standalone stream needs an Mcp-Session-Id"));
        no.setHeader("Allow", "GET, POST, DELETE");
        c->out()->respond(ex, no);
        return;
    }
    auto session = c->service->session(sessionId);
    if (!session || session->transport != Session::Transport::StreamableHttp) {
        c->out()->respond(ex, rpcError(404, code::SessionNotFound, QStringLiteral("Session not found")));
        return;
    }
    if (session->outlet && session->outlet->isOpen()) {
        c->out()->respond(ex, rpcError(409, code::InvalidRequest,
                                        QStringLiteral("Conflict: this session already has a standalone stream")));
        return;
    }
    c->out()->beginStream(ex, withSession(sseHead(), session->id));
    session->outlet = std::make_shared<SseOutlet>(ex);
    session->lastActive.start();
}

void streamableDelete(const Ctx &c, Exchange *ex)
{
    if (!admit(c, ex))
        return;
    const QString sessionId = QString::fromLatin1(ex->request().header("mcp-session-id"));
    if (sessionId.isEmpty()) {
        c->out()->respond(ex, rpcError(400, code::InvalidRequest, QStringLiteral("Bad Request: Mcp-Session-Id header required")));
        return;
    }
    if (!c->service->session(sessionId)) {
        c->out()->respond(ex, rpcError(404, code::SessionNotFound, QStringLiteral("Session not found")));
        return;
    }
    c->service->closeSession(sessionId);
    c->out()->respond(ex, Response(200, {}, {}));
}

// ---- legacy HTTP+SSE --------------------------------------------------------------------------

QString basePath(const Ctx &c)
{
    // The endpoint event is a path; under a root path it carries that prefix.
    QString root = QUrl(c->context.options->rootPath).path();
    while (root.endsWith(QLatin1Char('/')))
        root.chop(1);
    return root + kBase;
}

void sseGet(const Ctx &c, Exchange *ex)
{
    if (!admit(c, ex))
        return;
    auto session = c->service->createSession(Session::Transport::Sse);
    if (!session) {
        c->out()->respond(ex, Response::text(kSessionsFull, 503));
        return;
    }
    c->out()->beginStream(ex, sseHead());
    auto outlet = std::make_shared<SseOutlet>(ex);
    session->outlet = outlet;
    outlet->sendEvent("endpoint", (basePath(c) + QStringLiteral("/messages/?session_id=") + session->id).toUtf8());
    std::weak_ptr<Service> service = c->service;
    const QString id = session->id;
    QObject::connect(ex, &Exchange::closed, ex, [service, id] {
        if (auto s = service.lock())
            s->closeSession(id);
    });
}

void ssePost(const Ctx &c, Exchange *ex)
{
    const Request &r = ex->request();
    if (!admit(c, ex))
        return;
    const QString id = r.query.queryItemValue(QStringLiteral("session_id"));
    if (id.isEmpty()) {
        c->out()->respond(ex, Response::text(QStringLiteral("session_id is required"), 400));
        return;
    }
    static const QRegularExpression hex(QStringLiteral("^[0-9a-f]{32}$"));
    if (!hex.match(id).hasMatch()) {
        c->out()->respond(ex, Response::text(QStringLiteral("Invalid session ID"), 400));
        return;
    }
    auto session = c->service->session(id);
    if (!session || session->transport != Session::Transport::Sse || !session->outlet || !session->outlet->isOpen()) {
        c->out()->respond(ex, Response::text(QStringLiteral("Could not find session"), 404));
        return;
    }
    const ParsedJson json = ParsedJson::parse(r.body);
    const Message m = json.kind == ParsedJson::Object ? Message::classify(json.object) : Message();
    if (m.kind == Message::Invalid) {
        c->out()->respond(ex, Response::text(QStringLiteral("Could not parse message"), 400));
        return;
    }
    c->out()->respond(ex, Response::text(QStringLiteral("Accepted"), 202));
    Service::Incoming in = incoming(r, session);
    if (m.kind == Message::Request)
        in.reply = std::make_shared<OutletReply>(session->outlet);
    c->service->handle(m, in);
}

// ---- the rest ---------------------------------------------------------------------------------

void schema(const Ctx &c, Exchange *ex)
{
    if (!admit(c, ex, false))
        return;
    QSet<QString> only;
    const QString tools = ex->request().query.queryItemValue(QStringLiteral("tools"));
    for (const QString &t : tools.split(QLatin1Char(','), Qt::SkipEmptyParts))
        only.insert(t.trimmed());
    c->out()->respond(ex, Response::json(c->service->catalog().schemaListing(only)));
}

void elsewhere(const Ctx &c, Exchange *ex)
{
    const Request &r = ex->request();
    if (!admit(c, ex, false))
        return;
    QString path = r.path;
    while (path.size() > 1 && path.endsWith(QLatin1Char('/')))
        path.chop(1);
    const QByteArray allow = path == kBase + QStringLiteral("/sse")      ? "GET"
                           : path == kBase + QStringLiteral("/messages") ? "POST"
                           : path == kBase + QStringLiteral("/schema")   ? "GET"
                                                                        : "";
    if (!allow.isEmpty()) {
        Response r405 = Response::error(405, QStringLiteral("Method Not Allowed"));
        r405.setHeader("Allow", allow);
        c->out()->respond(ex, r405);
        return;
    }
    c->out()->respond(ex, Response::text(QStringLiteral("Path '%1' not found. The MCP HTTP transport is available at %2/.")
                                              .arg(r.path, kBase),
                                          404));
}

} // namespace

std::shared_ptr<Service> installRoutes(http::Router &r, const RouteContext &context, McpRegistryPrivate &registry)
{
    auto catalog = std::make_shared<const Catalog>(context.endpoints->all(), registry);
    auto service = std::make_shared<Service>(context.core, context.queue, context.files, catalog,
                                             Service::Settings{context.options->title, QStringLiteral(QRADIO_MCP_VERSION),
                                                               registry.instructions, context.options->maxMcpSessions});
    {
        QMutexLocker lock(&registry.serviceMutex);
        registry.service = service;
    }
    if (context.metrics) {
        context.metrics->addCollector([weak = std::weak_ptr<Service>(service)](metrics::Exposition &e) {
            e.family("qradio_mcp_sessions", "Open MCP sessions.", "gauge");
            const auto s = weak.lock();
            e.sample("qradio_mcp_sessions", {}, s ? double(s->sessionCount()) : 0);
        });
    }
    if (!context.options->mcpServer)
        return service; // stdio can still use the service; HTTP has no MCP routes at all

    auto c = std::make_shared<const Routes>(Routes{context, service});
    for (const QString &path : {kBase, kBase + QStringLiteral("/http")}) {
        r.addBuiltin("POST", path, [c](Exchange *ex) { streamablePost(c, ex); }, http::JsonBody);
        r.addBuiltin("GET", path, [c](Exchange *ex) { streamableGet(c, ex); });
        r.addBuiltin("DELETE", path, [c](Exchange *ex) { streamableDelete(c, ex); });
    }
    r.addBuiltin("GET", kBase + QStringLiteral("/sse"), [c](Exchange *ex) { sseGet(c, ex); });
    r.addBuiltin("POST", kBase + QStringLiteral("/messages"), [c](Exchange *ex) { ssePost(c, ex); }, http::JsonBody);
    r.addBuiltin("GET", kBase + QStringLiteral("/schema"), [c](Exchange *ex) { schema(c, ex); });
    for (const char *method : {"GET", "POST", "PUT", "PATCH", "DELETE"})
        r.addBuiltin(method, kBase + QStringLiteral("/<rest...>"), [c](Exchange *ex) { elsewhere(c, ex); });
    return service;
}

} // namespace qradio::mcp
