// SPDX-License-Identifier: MIT
// An endpoint behind what a single-page app's server typically adds: a catch-all route and a
// frontend folder at "/" (from $QRADIO_SPA_FOLDER). Gradio's clients must still reach every
// protocol route. Used by spa_client.test.mjs.
#include <qradio/app.h>
#include <qradio/server.h>

int main(int argc, char **argv)
{
    qradio::Server app({.title = QStringLiteral("SPA")});
    app.api("add", [](int a, int b) { return a + b; }).params({"a", "b"});
    app.get(QStringLiteral("/<path...>"), [](const qradio::Request &request) {
        return qradio::Response::text(QStringLiteral("catch-all ") + request.param(QStringLiteral("path")));
    });
    app.serveFolder(QStringLiteral("/"), qEnvironmentVariable("QRADIO_SPA_FOLDER"), {.spaFallback = true});
    return qradio::launch(app, argc, argv, {.title = QStringLiteral("SPA")});
}
