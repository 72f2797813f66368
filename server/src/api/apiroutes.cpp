// SPDX-License-Identifier: MIT
// Built-in routes of the API description and the "curl" call flow: /config, /gradio_api/info,
// the default page, the bundled client, /call, /call/v2, /run.
#include "../queue/json.h"
#include "../queue/queue.h"
#include "../http/exchange.h"
#include "../routes.h"
#include "arguments.h"
#include "config.h"

#include <QFile>
#include <QJsonArray>

namespace qradio::api {

using http::Exchange;

static QJsonObject runOutput(const queue::JobEvent &e)
{
    return {{QStringLiteral("data"), e.outputs},
            {QStringLiteral("is_generating"), false},
            {QStringLiteral("duration"), e.duration},
            {QStringLiteral("average_duration"), e.averageDuration},
            {QStringLiteral("render_config"), QJsonValue()},
            {QStringLiteral("changed_state_ids"), QJsonArray()},
            {QStringLiteral("used_cache"), QJsonValue()}};
}

//! The endpoint named by the path, or an answered 404.
static std::shared_ptr<const EndpointSpec> namedEndpoint(const RouteContext &c, Exchange *ex)
{
    const QString name = ex->request().param(QStringLiteral("name"));
    auto endpoint = c.endpoints->byName(name);
    if (!endpoint || endpoint->visibility == Visibility::Private) {
        c.out->respond(ex, Response::error(404, QStringLiteral("No API endpoint named '/%1'.").arg(name)));
        return nullptr;
    }
    return endpoint;
}

//! Enqueues a /call job and answers {"event_id"}.
static void submitCall(const RouteContext &c, Exchange *ex, const std::shared_ptr<const EndpointSpec> &endpoint,
                       const QJsonArray &args, const QString &sessionHash)
{
    queue::Queue::Submission s;
    s.endpoint = endpoint;
    s.args = args;
    s.sessionHash = sessionHash;
    s.format = queue::Job::Format::Call;
    s.request = &ex->request();
    c.out->respond(ex, c.queue->submit(std::move(s)).response());
}

static void callPositional(const RouteContext &c, Exchange *ex)
{
    auto endpoint = namedEndpoint(c, ex);
    QJsonObject body;
    if (!endpoint || !c.out->jsonBody(ex, &body))
        return;
    if (!body.value(QLatin1String("data")).isArray()) {
        c.out->respond(ex, Response::error(422, QStringLiteral("The body needs a \"data\" array of arguments.")));
        return;
    }
    submitCall(c, ex, endpoint, body.value(QLatin1String("data")).toArray(),
               body.value(QLatin1String("session_hash")).toString());
}

static void callNamed(const RouteContext &c, Exchange *ex)
{
    auto endpoint = namedEndpoint(c, ex);
    QJsonObject body;
    if (!endpoint || !c.out->jsonBody(ex, &body))
        return;
    body.remove(QStringLiteral("oauth_token"));
    try {
        submitCall(c, ex, endpoint, namedToPositional(*endpoint, body), QString());
    } catch (const ArgumentError &e) {
        c.out->respond(ex, Response::error(422, e.message()));
    }
}

static void callStream(const RouteContext &c, Exchange *ex)
{
    if (!namedEndpoint(c, ex))
        return;
    const QString eventId = ex->request().param(QStringLiteral("event_id"));
    const QString session = c.queue->sessionOf(eventId);
    if (session.isEmpty() || !c.queue->hasSession(session)) {
        c.out->respond(ex, Response::error(404, QStringLiteral("Unknown event id '%1'.").arg(eventId)));
        return;
    }
    c.out->beginStream(ex, queue::Session::streamHead());
    c.queue->openStream(session, ex);
}

static void run(const RouteContext &c, Exchange *ex)
{
    QJsonObject body;
    if (!c.out->jsonBody(ex, &body))
        return;
    std::shared_ptr<const EndpointSpec> endpoint;
    if (body.value(QLatin1String("fn_index")).isDouble()) {
        endpoint = c.endpoints->byId(body.value(QLatin1String("fn_index")).toInt());
        if (!endpoint) {
            c.out->respond(ex, Response::error(404, QStringLiteral("Unknown function index.")));
            return;
        }
    } else if (!(endpoint = namedEndpoint(c, ex))) {
        return;
    }
    if (!body.value(QLatin1String("data")).isArray()) {
        c.out->respond(ex, Response::error(422, QStringLiteral("The body needs a \"data\" array of arguments.")));
        return;
    }
    QJsonArray args = body.value(QLatin1String("data")).toArray();
    try {
        args = normalizeArguments(*endpoint, args);
    } catch (const ArgumentError &e) {
        queue::ErrorPayload p;
        p.message = e.message();
        p.userError = true;
        Response r(422, p.toJson(), "application/json");
        c.out->respond(ex, r);
        return;
    }
    // /run answers in one response; the call still goes through the endpoint's concurrency
    // group, so limits hold for it too.
    QPointer<Exchange> target(ex);
    queue::Queue::Submission s;
    s.endpoint = endpoint;
    s.args = args;
    s.normalized = true;
    s.format = queue::Job::Format::InProcess;
    s.request = &ex->request();
    s.observer = [out = c.out, target](const queue::JobEvent &e) {
        if (!target)
            return;
        switch (e.kind) {
        case queue::JobEvent::Completed:
            out->respond(target, Response::json(runOutput(e)));
            break;
        case queue::JobEvent::Failed:
            out->respond(target, Response(500, e.error.toJson(), "application/json"));
            break;
        case queue::JobEvent::Cancelled:
            out->respond(target, Response(500, "{\"error\":\"Cancelled.\"}", "application/json"));
            break;
        default:
            break;
        }
    };
    const auto joined = c.queue->submit(std::move(s));
    if (joined.status != 200) {
        c.out->respond(ex, Response::error(joined.status, joined.detail));
        return;
    }
    // A client that hangs up cancels its call.
    QObject::connect(ex, &Exchange::closed, c.core, [queue = c.queue, id = joined.eventId] { queue->cancel(id); });
}

void installRoutes(http::Router &r, const RouteContext &c)
{
    auto root = [c](const Request &request, const QString &route) {
        return computeRoot(request, route, c.options->rootPath);
    };
    // The paths with and without a trailing slash compute the same root.
    auto routeOf = [](const Request &request, const QString &route) {
        return request.path.endsWith(QLatin1Char('/')) ? route + QLatin1Char('/') : route;
    };

    r.addBuiltin("GET", QStringLiteral("/config"), [c, root, routeOf](Exchange *ex) {
        const QString route = routeOf(ex->request(), QStringLiteral("/config"));
        c.out->respond(ex, Response::json(buildConfig(c.endpoints->all(), *c.options, root(ex->request(), route), c.appId)));
    }, http::Inline | http::LoginRequired);

    r.addBuiltin("GET", QStringLiteral("/gradio_api/info"), [c, root, routeOf](Exchange *ex) {
        const bool all = !ex->request().query.queryItemValue(QStringLiteral("all_endpoints")).isEmpty();
        const QString route = routeOf(ex->request(), QStringLiteral("/gradio_api/info"));
        c.out->respond(ex, Response::json(buildInfo(c.endpoints->all(), root(ex->request(), route), all)));
    }, http::Inline | http::LoginRequired);

    r.addBuiltin("GET", QStringLiteral("/"), [c, root](Exchange *ex) {
        c.out->respond(ex, Response::html(buildDocsPage(c.endpoints->all(), *c.options, root(ex->request(), QStringLiteral("/")))));
    }, http::Inline | http::LoginRequired); // a browser without a session gets the login page

    r.addBuiltin("GET", QStringLiteral("/gradio_api/client.js"), [c](Exchange *ex) {
        // The @gradio/client browser bundle, installed from npm at build time and compiled in,
        // so pages work with no internet.
        QFile bundle(QStringLiteral(":/qradio/gradio-client.js"));
        if (!bundle.open(QIODevice::ReadOnly)) {
            c.out->respond(ex, Response::error(404, QStringLiteral("The @gradio/client bundle is not built in.")));
            return;
        }
        Response response(200, bundle.readAll(), "text/javascript; charset=utf-8");
        response.setHeader("Cache-Control", "public, max-age=3600");
        c.out->respond(ex, response);
    }, http::Inline);

    r.addBuiltin("GET", QStringLiteral("/gradio_api/app_id"), [c](Exchange *ex) {
        c.out->respond(ex, Response::json(QJsonObject{{QStringLiteral("app_id"), c.appId}}));
    }, http::Inline);
    // true once per listen(), false afterwards; answered on the core thread, so no race.
    r.addBuiltin("GET", QStringLiteral("/gradio_api/startup-events"), [c, sent = std::make_shared<bool>(false)](Exchange *ex) {
        c.out->respond(ex, Response::json(!std::exchange(*sent, true)));
    });

    r.addBuiltin("POST", QStringLiteral("/gradio_api/call/v2/<name>"), [c](Exchange *ex) { callNamed(c, ex); }, http::JsonBody | http::LoginRequired);
    r.addBuiltin("GET", QStringLiteral("/gradio_api/call/v2/<name>/<event_id>"), [c](Exchange *ex) { callStream(c, ex); }, http::LoginRequired);
    r.addBuiltin("POST", QStringLiteral("/gradio_api/call/<name>"), [c](Exchange *ex) { callPositional(c, ex); }, http::JsonBody | http::LoginRequired);
    r.addBuiltin("GET", QStringLiteral("/gradio_api/call/<name>/<event_id>"), [c](Exchange *ex) { callStream(c, ex); }, http::LoginRequired);
    r.addBuiltin("POST", QStringLiteral("/gradio_api/run/<name>"), [c](Exchange *ex) { run(c, ex); }, http::JsonBody | http::LoginRequired);
    r.addBuiltin("POST", QStringLiteral("/gradio_api/api/<name>"), [c](Exchange *ex) { run(c, ex); }, http::JsonBody | http::LoginRequired);
}

} // namespace qradio::api
