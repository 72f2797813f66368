// SPDX-License-Identifier: MIT
// A small app whose endpoints exercise the queue: a no-op, fast echoes, generators of any length,
// calls that hold their worker until cancelled, a shared concurrency group, a time limit and a
// batch. The queue tests (tests/integration/queue_*.test.mjs), the stress test and the queue
// benchmark (bench/queue/) drive it. It prints `Running on local URL: http://127.0.0.1:<port>`
// like every Qradio app and quits cleanly on SIGTERM/SIGINT.
//
//   queue_testapp [--port N] [--max-queue-size N] [--unread-session-timeout MS] [--headless] [--host 127.0.0.1]
//
// GRADIO_HEARTBEAT_INTERVAL and GRADIO_DEFAULT_CONCURRENCY_LIMIT are honoured by the server.

#include <qradio/context.h>
#include <qradio/error.h>
#include <qradio/server.h>

#include <QCoreApplication>
#include <QJsonObject>
#include <QSocketNotifier>

#include <QCoro/QCoroTimer>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

using namespace std::chrono_literals;

namespace {

int signalPipe[2] = {-1, -1};

void onSignal(int)
{
    const char c = 1;
    (void)!::write(signalPipe[1], &c, 1);
}

//! Sleeps until `seconds` passed or the call is cancelled (then it ends as cancelled).
double holdFor(qradio::Context &ctx, double seconds)
{
    if (!ctx.sleepFor(std::chrono::duration<double>(seconds)))
        ctx.checkCancelled();
    return seconds;
}

void registerEndpoints(qradio::Server &app)
{
    // The benchmark's round trip: nothing to do, so what is measured is the queue itself.
    app.api(QStringLiteral("noop"), [] { return 0; }).description(QStringLiteral("Returns 0."));

    app.api(QStringLiteral("echo"), [](const QString &text) { return text; })
        .params({QStringLiteral("text")})
        .concurrencyLimit(0);

    // Yields 0, 1, ..., n-1 from a coroutine on the network thread.
    app.api(QStringLiteral("count"), [](int n) -> QCoro::AsyncGenerator<int> {
           for (int i = 0; i < n; ++i)
               co_yield i;
       })
        .params({QStringLiteral("n")})
        .concurrencyLimit(0);

    // The same from a blocking function on a worker thread.
    app.api(QStringLiteral("count_blocking"), [](qradio::Stream<int> &out, int n) {
           for (int i = 0; i < n; ++i)
               out(i);
       })
        .params({QStringLiteral("n")})
        .concurrencyLimit(0);

    // Yields n values, one every `ms` milliseconds, without blocking the network thread.
    app.api(QStringLiteral("tick"), [](int n, int ms) -> QCoro::AsyncGenerator<int> {
           for (int i = 0; i < n; ++i) {
               co_await QCoro::sleepFor(std::chrono::milliseconds(ms));
               co_yield i;
           }
       })
        .params({QStringLiteral("n"), QStringLiteral("ms")})
        .concurrencyLimit(0);

    // Holds its worker for up to `seconds` (woken by cancellation). Limit 1: callers queue.
    app.api(QStringLiteral("hold"), [](qradio::Context &ctx, double seconds) { return holdFor(ctx, seconds); })
        .params({QStringLiteral("seconds")})
        .concurrencyLimit(1);

    // Two endpoints in one concurrency group: the lowest limit (1) holds for both.
    app.api(QStringLiteral("left"), [](qradio::Context &ctx, double seconds) { return holdFor(ctx, seconds); })
        .params({QStringLiteral("seconds")})
        .concurrencyId(QStringLiteral("pair"))
        .concurrencyLimit(2);
    app.api(QStringLiteral("right"), [](qradio::Context &ctx, double seconds) { return holdFor(ctx, seconds); })
        .params({QStringLiteral("seconds")})
        .concurrencyId(QStringLiteral("pair"))
        .concurrencyLimit(1);

    // Stopped by its time limit long before it would end by itself.
    app.api(QStringLiteral("limited"), [](qradio::Context &ctx, double seconds) { return holdFor(ctx, seconds); })
        .params({QStringLiteral("seconds")})
        .timeLimit(0.2)
        .concurrencyLimit(0);

    // A batch function: each caller gets back its text with the size of the batch it ran in.
    // `gate` shares its group (limit 1), so calls made while a gate runs gather into one batch.
    app.api(QStringLiteral("batched"), [](const QStringList &texts) {
           QStringList out;
           for (const QString &t : texts)
               out.append(QStringLiteral("%1:%2").arg(t).arg(texts.size()));
           return out;
       })
        .params({QStringLiteral("text")})
        .batch(4)
        .concurrencyId(QStringLiteral("batchgroup"))
        .concurrencyLimit(1);
    app.api(QStringLiteral("gate"), [](qradio::Context &ctx, double seconds) { return holdFor(ctx, seconds); })
        .params({QStringLiteral("seconds")})
        .concurrencyId(QStringLiteral("batchgroup"))
        .concurrencyLimit(1);

    // For the stress test: a blocking call of a few milliseconds, four at a time.
    app.api(QStringLiteral("work"), [](qradio::Context &ctx, int ms) {
           if (!ctx.sleepFor(std::chrono::milliseconds(ms)))
               ctx.checkCancelled();
           return ms;
       })
        .params({QStringLiteral("ms")})
        .concurrencyLimit(4);

    // The context: log messages, request headers and session, user-visible and internal errors.
    app.api(QStringLiteral("chatty"), [](qradio::Context &ctx, const QString &text) {
           ctx.info(QStringLiteral("info: ") + text);
           ctx.warning(QStringLiteral("warning: ") + text);
           return text;
       })
        .params({QStringLiteral("text")});
    app.api(QStringLiteral("whoami"), [](qradio::Context &ctx) {
           return QStringLiteral("%1 %2").arg(QString::fromUtf8(ctx.header("x-api-key")), ctx.sessionHash());
       })
        .concurrencyLimit(0);
    app.api(QStringLiteral("refuse"), [](const QString &why) -> QString {
           throw qradio::Error(why, QStringLiteral("Refused"), 5);
       })
        .params({QStringLiteral("why")});
    app.api(QStringLiteral("crash"), []() -> int { throw std::runtime_error("secret internals"); });

    // For the "Use via API" page's snippets (integration.docs_snippets): a default with a quote
    // the bash snippet must carry through the shell, and a name that is no identifier.
    app.api(QStringLiteral("repeat"), [](const QString &text, int times) { return text.repeated(times); })
        .params({{QStringLiteral("text"), QStringLiteral("Text to repeat"), QStringLiteral("it's")},
                 {QStringLiteral("how-often"), QStringLiteral("How many times"), 2}})
        .concurrencyLimit(0);

    app.get(QStringLiteral("/health"), [] { return QJsonObject{{QStringLiteral("status"), QStringLiteral("ok")}}; });
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication qapp(argc, argv);
    quint16 port = 0;
    qradio::ServerOptions options;
    options.title = QStringLiteral("Queue test app");
    const QStringList args = QCoreApplication::arguments();
    for (qsizetype i = 1; i < args.size(); ++i) {
        const QString &a = args[i];
        if (a == QLatin1String("--port") && i + 1 < args.size())
            port = quint16(args[++i].toUInt());
        else if (a == QLatin1String("--max-queue-size") && i + 1 < args.size())
            options.maxQueueSize = args[++i].toInt();
        else if (a == QLatin1String("--unread-session-timeout") && i + 1 < args.size())
            options.unreadSessionTimeout = std::chrono::milliseconds(args[++i].toInt());
        else if (a == QLatin1String("--host") && i + 1 < args.size())
            ++i; // always 127.0.0.1
        else if (a != QLatin1String("--headless")) {
            std::fprintf(stderr, "queue_testapp: unknown argument %s\n", qPrintable(a));
            return 1;
        }
    }

    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, signalPipe) != 0)
        return 1;
    QSocketNotifier notifier(signalPipe[0], QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, &qapp, [] { QCoreApplication::quit(); });
    struct sigaction sa = {};
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);

    qradio::Server app(options);
    registerEndpoints(app);
    if (!app.listen(QHostAddress::LocalHost, port)) {
        std::fprintf(stderr, "queue_testapp: %s\n", qPrintable(app.errorString()));
        return 1;
    }
    std::printf("Running on local URL: http://127.0.0.1:%u\n", unsigned(app.port()));
    std::fflush(stdout);
    const int code = QCoreApplication::exec();
    app.stop();
    return code;
}
