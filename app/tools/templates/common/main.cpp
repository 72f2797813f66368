// @TITLE@: a Qradio app. Its endpoints are typed C++ functions, served with Gradio's protocol.
#include <qradio/app.h>
#include <qradio/server.h>

int main(int argc, char **argv)
{
    qradio::Server app;
    app.api("greet", [](const QString &name) { return QStringLiteral("Hello, %1!").arg(name); })
        .params({{"name", "Who to greet"}})
        .description("Greets someone by name.");
    // The page in frontend/ is served at "/"; the window shows it (or run with --headless).
    return qradio::launch(app, argc, argv);
}
