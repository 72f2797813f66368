// SPDX-License-Identifier: MIT
// The Server-mode guide's calculator, in C++.
#include "calculator.h"

#include <qradio/context.h>
#include <qradio/error.h>
#include <qradio/file.h>

#include <QFile>
#include <QJsonObject>
#include <QTimer>

#include <QCoro/QCoroTimer>

using namespace std::chrono_literals;

void registerCalculator(qradio::Server &app)
{
    app.api("add", [](int a, int b) { return a + b; })
        .params({{"a", "First operand"}, {"b", "Second operand"}})
        .description("Add two numbers together.")
        .mcpTool();

    app.api("multiply", [](int a, int b) { return a * b; })
        .params({{"a", "First operand"}, {"b", "Second operand"}})
        .description("Multiply two numbers together.")
        .mcpTool();

    app.api("hello", [](const QString &name) { return QStringLiteral("Hello, %1!").arg(name); })
        .params({{"name", "Who to greet"}})
        .description("Greet someone by name.");

    // Streams the prompt's words one at a time: "a b c" yields "a", then "b", then "c".
    app.api("generate", [](QString prompt) -> QCoro::AsyncGenerator<QString> {
           for (QString word : prompt.split(QLatin1Char(' '), Qt::SkipEmptyParts))
               co_yield word;
       })
        .params({{"prompt", "Text whose words are streamed back"}})
        .description("Stream the prompt's words one at a time.");

    app.api("fail", [](const QString &x) -> QString { throw qradio::Error(QStringLiteral("boom: ") + x); })
        .params({{"x", "Text for the error message"}})
        .description("Always fails with a user-visible error.");

    app.api("slow", [](qradio::Context &ctx, double seconds) {
           const int steps = 10;
           for (int i = 0; i < steps; ++i) {
               ctx.progress(i, steps, QStringLiteral("steps"), QStringLiteral("sleeping"));
               if (!ctx.sleepFor(std::chrono::duration<double>(seconds / steps)))
                   ctx.checkCancelled();
           }
           ctx.progress(steps, steps, QStringLiteral("steps"), QStringLiteral("sleeping"));
           return seconds;
       })
        .params({{"seconds", "How long to sleep"}})
        .description("Sleep for the given number of seconds and return it.")
        .concurrencyLimit(1)
        .mcpTool();

    app.api("echo_file", [](const qradio::File &file) { return file; })
        .params({{"file", "Any file"}})
        .description("Returns the uploaded file unchanged, under its own name.")
        .mcpTool();

    app.get(QStringLiteral("/"), [] {
        QFile page(QStringLiteral(":/calculator/page.html"));
        page.open(QIODevice::ReadOnly);
        return qradio::Html(QString::fromUtf8(page.readAll()));
    }).requireLogin(); // with --auth, a browser gets the login page first (no effect without login)
    // Trivial and never blocking: answered on the network thread, and without the token so that
    // a load balancer can probe it.
    app.get(QStringLiteral("/health"), [] { return QJsonObject{{QStringLiteral("status"), QStringLiteral("ok")}}; })
        .nonBlocking()
        .publicAccess();
}
