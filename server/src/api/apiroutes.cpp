// SPDX-License-Identifier: MIT
// Built-in routes of the API description and the "curl" call flow: /config, /gradio_api/info,
// the default page, the bundled client, /call, /call/v2, /run.
#include "../queue/json.h"
#include "../queue/queue.h"
#include "../server_p.h"
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
static std::shared_ptr<const EndpointSpec> namedEndpoint(NetCore *core, Exchange *ex)
{
    const QString name = ex->request().param(QStringLiteral("name"));
    auto endpoint = core->d()->endpointByName(name);
    if (!endpoint || endpoint->visibility == Visibility::Private) {
        core->respond(ex, Response::error(404, QStringLiteral("No API endpoint named '/%1'.").arg(name)));
        return nullptr;
    }
    return endpoint;
}

//! Enqueues a /call job and answers {"event_id"}.
static void submitCall(NetCore *core, Exchange *ex, const std::shared_ptr<const EndpointSpec> &endpoint,
                       const QJsonArray &args, const QString &sessionHash)
{
    queue::Queue::Submission s;
    s.endpoint = endpoint;
    s.args = args;
    s.sessionHash = sessionHash;
    s.format = queue::Job::Format::Call;
    s.request = &ex->request();
    const auto joined = core->queue()->submit(std::move(s));
    if (joined.status != 200) {
        core->respond(ex, Response::error(joined.status, joined.detail));
        return;
    }
    core->respond(ex, Response::json(QJsonObject{{QStringLiteral("event_id"), joined.eventId}}));
}

static void callPositional(NetCore *core, Exchange *ex)
{
    auto endpoint = namedEndpoint(core, ex);
    QJsonObject body;
    if (!endpoint || !core->jsonBody(ex, &body))
        return;
    if (!body.value(QLatin1String("data")).isArray()) {
        core->respond(ex, Response::error(422, QStringLiteral("The body needs a \"data\" array of arguments.")));
        return;
    }
    submitCall(core, ex, endpoint, body.value(QLatin1String("data")).toArray(),
               body.value(QLatin1String("session_hash")).toString());
}

static void callNamed(NetCore *core, Exchange *ex)
{
    auto endpoint = namedEndpoint(core, ex);
    QJsonObject body;
    if (!endpoint || !core->jsonBody(ex, &body))
        return;
    body.remove(QStringLiteral("oauth_token"));
    try {
        submitCall(core, ex, endpoint, namedToPositional(*endpoint, body), QString());
    } catch (const ArgumentError &e) {
        core->respond(ex, Response::error(422, e.message()));
    }
}

static void callStream(NetCore *core, Exchange *ex)
{
    if (!namedEndpoint(core, ex))
        return;
    const QString eventId = ex->request().param(QStringLiteral("event_id"));
    const QString session = core->queue()->sessionOf(eventId);
    if (session.isEmpty() || !core->queue()->hasSession(session)) {
        core->respond(ex, Response::error(404, QStringLiteral("Unknown event id '%1'.").arg(eventId)));
        return;
    }
    core->beginStream(ex, queue::Session::streamHead());
    core->queue()->openStream(session, ex);
}

static void run(NetCore *core, Exchange *ex)
{
    QJsonObject body;
    if (!core->jsonBody(ex, &body))
        return;
    std::shared_ptr<const EndpointSpec> endpoint;
    if (body.value(QLatin1String("fn_index")).isDouble()) {
        endpoint = core->d()->endpointById(body.value(QLatin1String("fn_index")).toInt());
        if (!endpoint) {
            core->respond(ex, Response::error(404, QStringLiteral("Unknown function index.")));
            return;
        }
    } else if (!(endpoint = namedEndpoint(core, ex))) {
        return;
    }
    if (!body.value(QLatin1String("data")).isArray()) {
        core->respond(ex, Response::error(422, QStringLiteral("The body needs a \"data\" array of arguments.")));
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
        core->respond(ex, r);
        return;
    }
    // /run answers in one response; the call still goes through the endpoint's concurrency
    // group, so limits hold for it too.
    QPointer<Exchange> target(ex);
    queue::Queue::Submission s;
    s.endpoint = endpoint;
    s.args = args;
    s.format = queue::Job::Format::InProcess;
    s.request = &ex->request();
    s.observer = [core, target](const queue::JobEvent &e) {
        if (!target)
            return;
        switch (e.kind) {
        case queue::JobEvent::Completed:
            core->respond(target, Response::json(runOutput(e)));
            break;
        case queue::JobEvent::Failed:
            core->respond(target, Response(500, e.error.toJson(), "application/json"));
            break;
        case queue::JobEvent::Cancelled:
            core->respond(target, Response(500, "{\"error\":\"Cancelled.\"}", "application/json"));
            break;
        default:
            break;
        }
    };
    const auto joined = core->queue()->submit(std::move(s));
    if (joined.status != 200) {
        core->respond(ex, Response::error(joined.status, joined.detail));
        return;
    }
    // A client that hangs up cancels its call.
    QObject::connect(ex, &Exchange::closed, core, [core, id = joined.eventId] { core->queue()->cancel(id); });
}

void installApiRoutes(ServerPrivate &d)
{
    auto &r = d.router;
    ServerPrivate *dp = &d;
    auto root = [dp](const Request &request, const QString &route) {
        return computeRoot(request, route, dp->options.rootPath);
    };
    auto core = [dp] { return dp->core; };

    auto config = [dp, root, core](Exchange *ex) {
        const QString route = ex->request().path.endsWith(QLatin1Char('/')) ? QStringLiteral("/config/") : QStringLiteral("/config");
        core()->respond(ex, Response::json(buildConfig(dp->frozen, dp->options, root(ex->request(), route), dp->appId)));
    };
    r.addBuiltin("GET", QStringLiteral("/config"), config, http::Inline);

    r.addBuiltin("GET", QStringLiteral("/gradio_api/info"), [dp, root, core](Exchange *ex) {
        const bool all = !ex->request().query.queryItemValue(QStringLiteral("all_endpoints")).isEmpty();
        const QString route = ex->request().path.endsWith(QLatin1Char('/')) ? QStringLiteral("/gradio_api/info/")
                                                                           : QStringLiteral("/gradio_api/info");
        core()->respond(ex, Response::json(buildInfo(dp->frozen, root(ex->request(), route), all)));
    }, http::Inline);

    r.addBuiltin("GET", QStringLiteral("/"), [dp, root, core](Exchange *ex) {
        core()->respond(ex, Response::html(buildDocsPage(dp->frozen, dp->options, root(ex->request(), QStringLiteral("/")))));
    }, http::Inline);

    r.addBuiltin("GET", QStringLiteral("/gradio_api/client.js"), [core](Exchange *ex) {
        // The @gradio/client browser bundle, installed from npm at build time and compiled in,
        // so pages work with no internet.
        QFile bundle(QStringLiteral(":/qradio/gradio-client.js"));
        if (!bundle.open(QIODevice::ReadOnly)) {
            core()->respond(ex, Response::error(404, QStringLiteral("The @gradio/client bundle is not built in.")));
            return;
        }
        Response response(200, bundle.readAll(), "text/javascript; charset=utf-8");
        response.setHeader("Cache-Control", "public, max-age=3600");
        core()->respond(ex, response);
    }, http::Inline);

    r.addBuiltin("GET", QStringLiteral("/gradio_api/app_id"), [dp, core](Exchange *ex) {
        core()->respond(ex, Response::json(QJsonObject{{QStringLiteral("app_id"), dp->appId}}));
    }, http::Inline);
    r.addBuiltin("GET", QStringLiteral("/gradio_api/startup-events"), [dp, core](Exchange *ex) {
        core()->respond(ex, Response::json(!std::exchange(dp->startupEventsSent, true)));
    });

    r.addBuiltin("POST", QStringLiteral("/gradio_api/call/v2/<name>"), [core](Exchange *ex) { callNamed(core(), ex); }, http::JsonBody);
    r.addBuiltin("GET", QStringLiteral("/gradio_api/call/v2/<name>/<event_id>"), [core](Exchange *ex) { callStream(core(), ex); });
    r.addBuiltin("POST", QStringLiteral("/gradio_api/call/<name>"), [core](Exchange *ex) { callPositional(core(), ex); }, http::JsonBody);
    r.addBuiltin("GET", QStringLiteral("/gradio_api/call/<name>/<event_id>"), [core](Exchange *ex) { callStream(core(), ex); });
    r.addBuiltin("POST", QStringLiteral("/gradio_api/run/<name>"), [core](Exchange *ex) { run(core(), ex); }, http::JsonBody);
    r.addBuiltin("POST", QStringLiteral("/gradio_api/api/<name>"), [core](Exchange *ex) { run(core(), ex); }, http::JsonBody);
}

} // namespace qradio::api
