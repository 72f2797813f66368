// SPDX-License-Identifier: MIT
// Built-in routes of the queue protocol (sse_v3): join, data, cancel, reset, status, heartbeat.
#include "../server_p.h"
#include "json.h"
#include "queue.h"

#include <QJsonArray>

namespace qradio::queue {

using http::Exchange;

static void join(NetCore *core, Exchange *ex)
{
    QJsonObject body;
    if (!core->jsonBody(ex, &body))
        return;
    if (!body.value(QLatin1String("data")).isArray()) {
        const QJsonObject item{{QStringLiteral("type"), QStringLiteral("list_type")},
                               {QStringLiteral("loc"), QJsonArray{QStringLiteral("body"), QStringLiteral("data")}},
                               {QStringLiteral("msg"), QStringLiteral("Input should be a valid list")},
                               {QStringLiteral("input"), body.value(QLatin1String("data"))}};
        core->respond(ex, Response::json(QJsonObject{{QStringLiteral("detail"), QJsonArray{item}}}, 422));
        return;
    }
    const QJsonValue fnIndex = body.value(QLatin1String("fn_index"));
    if (!fnIndex.isDouble()) {
        core->respond(ex, Response::error(400, QStringLiteral("No function index provided.")));
        return;
    }
    const QJsonValue session = body.value(QLatin1String("session_hash"));
    if (!session.isString() || session.toString().isEmpty()) {
        core->respond(ex, Response::error(400, QStringLiteral("Session hash not found.")));
        return;
    }
    auto endpoint = core->d()->endpointById(fnIndex.toInt());
    if (!endpoint || fnIndex.toDouble() != fnIndex.toInt()) {
        core->respond(ex, Response::error(404, QStringLiteral("Unknown function index %1.").arg(fnIndex.toDouble())));
        return;
    }
    Queue::Submission s;
    s.endpoint = endpoint;
    s.args = body.value(QLatin1String("data")).toArray();
    s.sessionHash = session.toString();
    s.request = &ex->request();
    const auto joined = core->queue()->submit(std::move(s));
    if (joined.status != 200) {
        core->respond(ex, Response::error(joined.status, joined.detail));
        return;
    }
    core->respond(ex, Response::json(QJsonObject{{QStringLiteral("event_id"), joined.eventId}}));
}

static void data(NetCore *core, Exchange *ex)
{
    const QString session = ex->request().query.queryItemValue(QStringLiteral("session_hash"), QUrl::FullyDecoded);
    if (session.isEmpty()) {
        core->respond(ex, Response::error(422, QStringLiteral("Missing session_hash.")));
        return;
    }
    core->beginStream(ex, Session::streamHead());
    if (!core->queue()->openStream(session, ex)) {
        ex->write("data: {\"msg\":\"unexpected_error\",\"event_id\":null,\"message\":\"404: Not Found\","
                  "\"session_not_found\":true,\"success\":false}\n\n");
        ex->end();
    }
}

static void cancel(NetCore *core, Exchange *ex)
{
    QJsonObject body;
    if (!core->jsonBody(ex, &body))
        return;
    if (!body.value(QLatin1String("event_id")).isString() || !body.value(QLatin1String("session_hash")).isString()
        || !body.value(QLatin1String("fn_index")).isDouble()) {
        core->respond(ex, Response::error(422, QStringLiteral("cancel needs session_hash, fn_index and event_id.")));
        return;
    }
    core->queue()->cancel(body.value(QLatin1String("event_id")).toString());
    core->respond(ex, Response::json(QJsonObject{{QStringLiteral("success"), true}}));
}

static void reset(NetCore *core, Exchange *ex)
{
    QJsonObject body;
    if (!core->jsonBody(ex, &body))
        return;
    if (!body.value(QLatin1String("event_id")).isString()) {
        core->respond(ex, Response::error(422, QStringLiteral("reset needs an event_id string.")));
        return;
    }
    core->respond(ex, Response::json(QJsonObject{{QStringLiteral("success"), true}}));
}

void installQueueRoutes(ServerPrivate &d)
{
    auto &r = d.router;
    ServerPrivate *dp = &d;
    auto core = [dp] { return dp->core; };
    r.addBuiltin("POST", QStringLiteral("/gradio_api/queue/join"), [core](Exchange *ex) { join(core(), ex); }, http::JsonBody);
    r.addBuiltin("GET", QStringLiteral("/gradio_api/queue/data"), [core](Exchange *ex) { data(core(), ex); });
    r.addBuiltin("POST", QStringLiteral("/gradio_api/cancel"), [core](Exchange *ex) { cancel(core(), ex); }, http::JsonBody);
    r.addBuiltin("POST", QStringLiteral("/gradio_api/reset"), [core](Exchange *ex) { reset(core(), ex); }, http::JsonBody);
    r.addBuiltin("GET", QStringLiteral("/gradio_api/queue/status"), [core](Exchange *ex) {
        const QByteArray body = json::ObjectWriter()
                                    .add("msg", QStringLiteral("estimation"))
                                    .add("event_id", QJsonValue())
                                    .add("rank", QJsonValue())
                                    .add("queue_size", core()->queue()->waitingCount())
                                    .add("rank_eta", QJsonValue())
                                    .finish();
        core()->respond(ex, Response(200, body, "application/json"));
    });
    r.addBuiltin("GET", QStringLiteral("/gradio_api/heartbeat/<session_hash>"), [core](Exchange *ex) {
        core()->holdHeartbeat(ex, ex->request().param(QStringLiteral("session_hash")));
    });
}

} // namespace qradio::queue
