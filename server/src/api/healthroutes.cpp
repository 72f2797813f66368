// SPDX-License-Identifier: MIT
// Built-in probes for orchestrators and load balancers: liveness and readiness.
#include "../http/exchange.h"
#include "../queue/queue.h"
#include "../routes.h"

namespace qradio::api {

using http::Exchange;

void installHealthRoutes(http::Router &r, const RouteContext &c)
{
    // Never behind password login; behind the access token unless the operator opens them.
    const int flags = http::Inline | (c.options->publicHealth ? http::Public : 0);
    static const QByteArray ok = QByteArrayLiteral("{\"status\":\"ok\"}");
    static const QByteArray ready = QByteArrayLiteral("{\"status\":\"ready\"}");
    static const QByteArray draining = QByteArrayLiteral("{\"status\":\"draining\"}");
    const auto noStore = [](Response response) {
        response.setHeader("Cache-Control", "no-store");
        return response;
    };
    r.addBuiltin("GET", QStringLiteral("/gradio_api/health"), [c, noStore](Exchange *ex) {
        c.out->respond(ex, noStore(Response(200, ok, "application/json")));
    }, flags);
    r.addBuiltin("GET", QStringLiteral("/gradio_api/ready"), [c, noStore](Exchange *ex) {
        c.out->respond(ex, noStore(c.queue->isDraining() ? Response(503, draining, "application/json")
                                                         : Response(200, ready, "application/json")));
    }, flags);
}

} // namespace qradio::api
