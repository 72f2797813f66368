// SPDX-License-Identifier: MIT
// Built-in routes of the queue protocol (sse_v3): join, data, cancel, reset, status, heartbeat.
#include "../http/exchange.h"
#include "frames.h"
#include "heartbeat.h"
#include "json.h"
#include "queue.h"

#include <QJsonArray>

namespace qradio::queue {

using http::Exchange;

static void join(const RouteContext &c, Exchange *ex)
{
    QJsonObject body;
    if (!c.out->jsonBody(ex, &body))
        return;
    if (!body.value(QLatin1String("data")).isArray()) {
        c.out->respond(ex, http::validationError(QStringLiteral("list_type"), {QStringLiteral("body"), QStringLiteral("data")},
                                                 QStringLiteral("Input should be a valid list"),
                                                 body.value(QLatin1String("data"))));
        return;
    }
    const QJsonValue fnIndex = body.value(QLatin1String("fn_index"));
    if (!fnIndex.isDouble()) {
        c.out->respond(ex, Response::error(400, QStringLiteral("No function index provided.")));
        return;
    }
    const QJsonValue session = body.value(QLatin1String("session_hash"));
    if (!session.isString() || session.toString().isEmpty()) {
        c.out->respond(ex, Response::error(400, QStringLiteral("Session hash not found.")));
        return;
    }
    auto endpoint = c.endpoints->byId(fnIndex.toInt());
    if (!endpoint || fnIndex.toDouble() != fnIndex.toInt()) {
        c.out->respond(ex, Response::error(404, QStringLiteral("Unknown function index %1.").arg(fnIndex.toDouble())));
        return;
    }
    Queue::Submission s;
    s.endpoint = endpoint;
    s.args = body.value(QLatin1String("data")).toArray();
    s.sessionHash = session.toString();
    s.request = &ex->request();
    c.out->respond(ex, c.queue->submit(std::move(s)).response());
}

//! While the server drains, a session it does not know is answered 503 "Queue is stopped."
//! rather than "not found", so that a reverse proxy tries another replica.
static bool refuseUnknownWhileDraining(const RouteContext &c, Exchange *ex, const QString &session)
{
    if (!c.queue->isDraining() || c.queue->hasSession(session))
        return false;
    c.out->respond(ex, Response::error(503, QStringLiteral("Queue is stopped.")));
    return true;
}

static void data(const RouteContext &c, Exchange *ex)
{
    const QString session = ex->request().query.queryItemValue(QStringLiteral("session_hash"), QUrl::FullyDecoded);
    if (session.isEmpty()) {
        c.out->respond(ex, Response::error(422, QStringLiteral("Missing session_hash.")));
        return;
    }
    if (refuseUnknownWhileDraining(c, ex, session))
        return;
    c.out->beginStream(ex, Session::streamHead());
    if (!c.queue->openStream(session, ex)) {
        ex->write(frames::sessionNotFound());
        ex->end();
    }
}

static void cancel(const RouteContext &c, Exchange *ex)
{
    QJsonObject body;
    if (!c.out->jsonBody(ex, &body))
        return;
    if (!body.value(QLatin1String("event_id")).isString() || !body.value(QLatin1String("session_hash")).isString()
        || !body.value(QLatin1String("fn_index")).isDouble()) {
        c.out->respond(ex, Response::error(422, QStringLiteral("cancel needs session_hash, fn_index and event_id.")));
        return;
    }
    c.queue->cancel(body.value(QLatin1String("event_id")).toString());
    c.out->respond(ex, Response::json(QJsonObject{{QStringLiteral("success"), true}}));
}

static void reset(const RouteContext &c, Exchange *ex)
{
    QJsonObject body;
    if (!c.out->jsonBody(ex, &body))
        return;
    if (!body.value(QLatin1String("event_id")).isString()) {
        c.out->respond(ex, Response::error(422, QStringLiteral("reset needs an event_id string.")));
        return;
    }
    c.out->respond(ex, Response::json(QJsonObject{{QStringLiteral("success"), true}}));
}

void installRoutes(http::Router &r, const RouteContext &c)
{
    r.addBuiltin("POST", QStringLiteral("/gradio_api/queue/join"), [c](Exchange *ex) { join(c, ex); }, http::JsonBody | http::LoginRequired);
    r.addBuiltin("GET", QStringLiteral("/gradio_api/queue/data"), [c](Exchange *ex) { data(c, ex); }, http::LoginRequired);
    r.addBuiltin("POST", QStringLiteral("/gradio_api/cancel"), [c](Exchange *ex) { cancel(c, ex); }, http::JsonBody);
    r.addBuiltin("POST", QStringLiteral("/gradio_api/reset"), [c](Exchange *ex) { reset(c, ex); }, http::JsonBody);
    r.addBuiltin("GET", QStringLiteral("/gradio_api/queue/status"), [c](Exchange *ex) {
        const QByteArray body = json::ObjectWriter()
                                    .add("msg", QStringLiteral("estimation"))
                                    .add("event_id", QJsonValue())
                                    .add("rank", QJsonValue())
                                    .add("queue_size", c.queue->waitingCount())
                                    .add("rank_eta", QJsonValue())
                                    .finish();
        c.out->respond(ex, Response(200, body, "application/json"));
    }, http::LoginRequired);
    // A child of the core object: it goes when the core does.
    auto *heartbeats = new Heartbeats(c);
    r.addBuiltin("GET", QStringLiteral("/gradio_api/heartbeat/<session_hash>"), [c, heartbeats](Exchange *ex) {
        const QString session = ex->request().param(QStringLiteral("session_hash"));
        if (!refuseUnknownWhileDraining(c, ex, session))
            heartbeats->hold(ex, session);
    });
}

} // namespace qradio::queue
