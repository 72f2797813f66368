// SPDX-License-Identifier: MIT
#pragma once

//! \file app.h
//! qradio::launch() — one call from main() runs the app: the server on its port and, when a
//! display is there, the app's page in a desktop window.
//! \code
//! int main(int argc, char **argv)
//! {
//!     qradio::Server app;
//!     app.api("add", [](int a, int b) { return a + b; }).params({"a", "b"});
//!     app.get("/", [] { return qradio::Html(page); });
//!     return qradio::launch(app, argc, argv, {.title = QStringLiteral("Calculator")});
//! }
//! \endcode
//!
//! Command line (QCommandLineParser): `--host` (127.0.0.1), `--port` (7860), `--headless`,
//! `--mcp` / `--no-mcp`, `--mcp-stdio`, `--devtools`, `--dev-url <url>`, `--help` (lists every
//! option), `--version`; Qt's own options (`-platform`, ...) and `--webEngineArgs <chromium flags>`
//! pass through. Environment, as in Gradio: GRADIO_SERVER_NAME, GRADIO_SERVER_PORT, GRADIO_MCP_SERVER.
//!
//! Dev mode: `--dev-url http://localhost:5173` (or QRADIO_DEV_URL) makes the window load that
//! dev server's page (with its hot reload) instead of the app's own, while the API stays on the
//! app's port; the dev origin may call the API (ServerOptions::allowedOrigins) and counts as the
//! app's in the window (it stays there; permissions as for the app). The launcher prints
//! `Dev mode: window loads <url>; API on <local url>`. Headless, the origin is only allowed to
//! call. Anything but an http(s) URL with a host is a command-line error (exit code 1). The
//! access token and login are not handed to the dev page: use dev mode without them.
//!
//! A normal run prints nothing but the URL lines below; the `qradio.*` logging categories have
//! debug off unless asked for (`QT_LOGGING_RULES="qradio.*.debug=true"`).
//! Logs and metrics (docs/operations.md): `--access-log` (one line per request, category
//! `qradio.access`), `--log-format json` (env QRADIO_LOG_FORMAT: every log line as a JSON object
//! on stderr), `--metrics` and `--metrics-port <port>` (Prometheus; ServerOptions::metrics).
//!
//! The launcher prints `Running on local URL: http://<host>:<port>` on stdout as soon as the
//! port is bound. Without a port asked for (option or GRADIO_SERVER_PORT), a busy port makes it
//! try the next ones (up to +100); an explicitly asked-for busy port is an error (exit code 1).
//! With `--mcp-stdio` it speaks MCP on stdin/stdout instead (qradio::mcp::startStdio), headless,
//! logging to stderr; it opens an HTTP port only if one is asked for, and prints its URL to stderr.
//! It runs headless with `--headless`, `--mcp-stdio`, or when there is no display (no DISPLAY,
//! no WAYLAND_DISPLAY, no QT_QPA_PLATFORM): then it creates only a QCoreApplication and never
//! loads the window's libraries (Qt WebEngine is loaded at run time, only for a window).
//! With a display and none of those options, a window module that cannot be loaded is an error
//! (exit code 1): the launcher names every path it tried, with dlopen's reason, and the variable
//! `QRADIO_DESKTOP_MODULE=<path>` that points at the module (when set, the only path tried).
//! It quits cleanly on window close, Ctrl+Q in the window and SIGHUP: the server stops, the port
//! is freed and launch() returns 0. SIGTERM and Ctrl+C (SIGINT) drain the server first
//! (Server::drain(): new calls refused, accepted ones finish, at most `--drain-timeout` seconds,
//! env QRADIO_DRAIN_TIMEOUT, default 30), then launch() returns 0; a second signal meanwhile
//! stops at once and launch() returns 1. With calls in flight the drain is announced on stderr.
//! `--public-health` (env QRADIO_PUBLIC_HEALTH=1) opens /gradio_api/health and /ready to clients
//! without the access token.
//! With QRADIO_BENCH=1 the window prints `qradio-bench: loadFinished ok=1 epoch_ms=<ms>` on stdout
//! when its page first finishes loading (bench/launch).

#include <QFlags>
#include <QSize>
#include <QString>
#include <QUrl>

#include <functional>

namespace qradio {

class Server;

//! What the window may grant a page that asks; everything else is denied.
enum class Permission {
    Camera = 0x1,
    Microphone = 0x2,
    Notifications = 0x4,
    Geolocation = 0x8,
    ScreenCapture = 0x10,
};
Q_DECLARE_FLAGS(Permissions, Permission)

struct LaunchOptions
{
    //! Window title. Empty: the page's `<title>`, or the server's title while there is none.
    QString title;
    //! Window (and application) icon: a file path or a Qt resource (":/...").
    QString iconPath;
    //! Serve MCP at /gradio_api/mcp/ unless the command line or GRADIO_MCP_SERVER says otherwise.
    bool mcpServer = false;
    //! A second launch brings the running window to the front and exits with 0.
    bool singleInstance = false;
    //! Path (and query) of the page the window opens.
    QString page = QStringLiteral("/");
    //! Shown by --version. Empty: Qradio's version.
    QString version;
    //! Names the app's settings (window geometry), stored data and single-instance lock.
    //! Empty: the executable's name.
    QString appId;
    //! Defaults of --host and --port.
    QString host = QStringLiteral("127.0.0.1");
    quint16 port = 7860;
    //! Always allow DevTools (F12); otherwise only with --devtools or a debug build of Qradio.
    bool devTools = false;
    //! Permissions a page may be granted (all denied by default).
    Permissions permissions;
    //! Keep the page's cookies, localStorage and cache between runs. Off: nothing is stored.
    bool persistentStorage = false;
    //! Size of the first window, until the user's own size is remembered.
    QSize windowSize{1024, 768};
    //! Opens URLs of other origins (links, window.open) outside the window.
    //! Empty: the system browser (QDesktopServices).
    std::function<bool(const QUrl &url)> openExternal;
    //! Starts the MCP stdio session of `--mcp-stdio`, on the main thread once the server runs;
    //! stdout belongs to the protocol from then on (the launcher logs to stderr). It returns at once
    //! (false: could not start; exit code 1) and ends the run with QCoreApplication::exit() when
    //! the client closes stdin. Empty: qradio::mcp::startStdio. Without --port, `--mcp-stdio`
    //! opens no HTTP port (Server::start()); with one, the port serves as usual.
    std::function<bool(Server &server)> mcpStdio;
};

//! Parses the command line, binds the port, prints the URL, shows the window (or runs headless)
//! and runs the event loop until the window closes or a quit signal arrives. Creates the
//! application object itself: call it before any QCoreApplication exists.
//! Returns the process exit code: 0 after a normal quit, 1 when the server could not start, the
//! command line is wrong or a wanted window cannot be shown.
int launch(Server &server, int argc, char **argv, const LaunchOptions &options = {});

} // namespace qradio

Q_DECLARE_OPERATORS_FOR_FLAGS(qradio::Permissions)
