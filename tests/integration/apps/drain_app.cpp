// SPDX-License-Identifier: MIT
// Slow calls behind qradio::launch(), for the graceful drain on SIGTERM (drain.test.mjs):
// `hold` keeps its only worker for `seconds` (woken early by cancellation), so calls queue
// behind it; `count` streams 1..n, one value every `ms`.
#include <qradio/app.h>
#include <qradio/context.h>
#include <qradio/server.h>
#include <qradio/stream.h>

int main(int argc, char **argv)
{
    qradio::Server app({.title = QStringLiteral("Drain")});
    app.api("hold", [](qradio::Context &ctx, double seconds) {
           ctx.sleepFor(std::chrono::duration<double>(seconds));
           ctx.checkCancelled();
           return seconds;
       })
        .params({"seconds"})
        .concurrencyLimit(1);
    app.api("count", [](qradio::Context &ctx, qradio::Stream<int> &out, int n, int ms) {
           for (int i = 1; i <= n && ctx.sleepFor(std::chrono::milliseconds(ms)); ++i)
               out(i);
           ctx.checkCancelled();
       })
        .params({"n", "ms"})
        .concurrencyLimit(1);
    return qradio::launch(app, argc, argv, {.title = QStringLiteral("Drain")});
}
