// SPDX-License-Identifier: MIT
#pragma once

//! \file server.h
//! qradio::Server — Gradio's `gradio.Server` in C++: typed API endpoints behind Gradio's wire
//! protocol, plus your own routes, served from network threads of its own.

#include <qradio/endpoint.h>
#include <qradio/http.h>
#include <qradio/staticfolder.h>

#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPair>
#include <QSslCertificate>
#include <QStringList>
#include <QUrl>

#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <optional>

namespace qradio {

//! Server-wide settings. Every field has the default Gradio users expect.
struct ServerOptions
{
    QString title = QStringLiteral("Qradio");
    //! Show the text of internal exceptions to clients (Gradio's show_error).
    bool showError = false;
    //! Limit for endpoints that set none; 0 = unlimited. Env GRADIO_DEFAULT_CONCURRENCY_LIMIT overrides.
    int defaultConcurrencyLimit = 1;
    //! Waiting calls allowed across the queue; unset = unbounded.
    std::optional<int> maxQueueSize;
    //! Interval of heartbeat frames on event streams. Env GRADIO_HEARTBEAT_INTERVAL (seconds) overrides.
    std::chrono::milliseconds heartbeatInterval{15000};
    //! Sessions kept at most; beyond it the oldest ones that nobody reads and whose events all
    //! finished are dropped (Gradio keeps 2000).
    int maxSessions = 2000;
    //! Events one session may hold at once (waiting, running, or finished and not yet read from
    //! its stream), and the bytes their arguments and unread messages take: a join beyond either
    //! is refused with 503, as a full queue is. A session_hash is at most 256 characters.
    int maxSessionEvents = 1000;
    qint64 maxSessionBytes = 64LL * 1024 * 1024;
    //! A session nobody streams, whose events have all finished, is dropped with the messages it
    //! holds this long after its last one.
    std::chrono::milliseconds unreadSessionTimeout{60000};
    //! Largest accepted request body (413 beyond, sent before the body is read).
    qint64 maxBodySize = 256LL * 1024 * 1024;
    //! Largest accepted request line + header block (431 beyond).
    qint64 maxHeaderSize = 32 * 1024;
    //! A request line and headers must arrive within this from their first byte (408 beyond).
    std::chrono::milliseconds headTimeout{10000};
    //! A request body gets this long, plus 1 s for every minBodyRate bytes it has delivered
    //! (408 beyond): a body trickling in slower than the rate is cut off, however steadily.
    std::chrono::milliseconds bodyTimeout{10000};
    qint64 minBodyRate = 1024;
    //! Keep-alive connections idle this long are closed.
    std::chrono::milliseconds idleTimeout{15000};
    //! Open connections at once; 0 = 90% of the process's file limit, whose soft value is
    //! raised to the hard one at listen() (as nginx's worker_rlimit_nofile). At the cap the
    //! connection idle longest among those without work is closed to make room; only when every
    //! connection carries work is a newcomer answered 503.
    int maxConnections = 0;
    //! Threads that accept and serve connections; 0 = one per core (env QRADIO_NETWORK_THREADS
    //! overrides). Trivial routes (built-in
    //! JSON, routes marked nonBlocking()) are answered on them; the queue keeps a thread of its own.
    int networkThreads = 0;
    //! A heartbeat stream (`GET /gradio_api/heartbeat/<session>`) whose session has no events
    //! pending is ended after this long; the Python client opens it again by itself.
    std::chrono::milliseconds heartbeatStreamTimeout{60000};
    //! Unsent bytes a streaming client may fall behind by. Event streams hold their frames back
    //! while the client reads slowly (and pause blocking generators); one more than 8x this
    //! behind, or 10 s without reading, is cut off. Other streams are cut off past it.
    qint64 maxStreamBuffer = 16LL * 1024 * 1024;
    //! Deployment sub-path or full public URL (Gradio's root_path). Env GRADIO_ROOT_PATH overrides.
    QString rootPath;
    //! Serve MCP at /gradio_api/mcp/ (also `--mcp` and env GRADIO_MCP_SERVER).
    bool mcpServer = false;
    //! MCP sessions kept at most. A new one beyond it replaces the longest-idle session that is
    //! not in use (no open stream, nothing in flight, quiet for 5 minutes), or is refused with 503:
    //! a flood of new sessions never pushes out sessions in use. Idle sessions end after an hour.
    //! Each session keeps at most 16 KB of client info and capabilities (a larger initialize is
    //! refused), 64 resource subscriptions of URIs up to 512 characters, and 64 requests in flight.
    int maxMcpSessions = 1000;

    //! HTTPS (Gradio's ssl_certfile, ssl_keyfile, ssl_keyfile_password; `--ssl-certfile`,
    //! `--ssl-keyfile`, `--ssl-keyfile-password`): PEM files of the certificate (intermediates
    //! may follow it) and of its private key (RSA, EC or DSA), and the key's password if it is
    //! encrypted. Both files or neither. listen() fails with ListenError::Tls and a sentence
    //! naming the file when one is missing or unreadable, the password is missing or wrong, or
    //! the key does not belong to the certificate. TLS 1.2 or later only; a client must finish
    //! its handshake within headTimeout; plain HTTP on the port is closed. url() says https, and
    //! cookies are marked Secure. For public hosting a reverse proxy is the usual TLS end.
    QString sslCertFile;
    QString sslKeyFile;
    QString sslKeyPassword;

    //! Folder for uploads and result files (env GRADIO_TEMP_DIR sets it too); its `upload/` and
    //! `cache/` folders are created at listen(). Empty: a private folder (mode 0700) under the
    //! system's temp folder, removed with everything in it at stop().
    QString fileDir;
    //! Files and folders GET /gradio_api/file= may serve besides uploads and results (Gradio's
    //! allowed_paths). Dotfiles inside them are served only when named here themselves.
    QStringList allowedPaths;
    //! Never served, even inside an allowed path or the file folder (Gradio's blocked_paths).
    QStringList blockedPaths;
    //! Largest file POST /gradio_api/upload takes (Gradio's max_file_size, published in /config);
    //! -1 = no limit but maxUploadSize. 413 from the Content-Length before the body when even
    //! one file could not fit, and again while a larger file streams in.
    qint64 maxFileSize = -1;
    //! Gradio's delete_cache: every `deleteCacheEvery`, uploads and result files older than
    //! `deleteCacheAge` are deleted, and all of them when the server stops. Zero: never (the
    //! private folder used without fileDir is removed at stop anyway).
    std::chrono::seconds deleteCacheEvery{0};
    std::chrono::seconds deleteCacheAge{0};
    //! Largest upload request (all its files); 413 from the Content-Length, before the body.
    //! Uploads go to disk as they arrive: memory stays flat whatever this is.
    qint64 maxUploadSize = 8LL * 1024 * 1024 * 1024;
    //! File arguments named by http(s) URL (both clients' handle_file(url), a URL in an MCP
    //! tool's file argument) are downloaded into the upload folder before the call waits its
    //! turn, as Gradio does, one after another and at most fileUrlsPerCall per call (0: URLs are
    //! refused). Only public addresses are contacted: every address the host name resolves to
    //! must be public (or in fileUrlNetworks), the connection goes to the address that was
    //! checked, and each redirect (at most 5) is checked again; no proxy, no cookies. A file
    //! larger than maxFileSize (else maxUploadSize), no data for fileUrlStallTimeout, or more
    //! than fileUrlTimeout in all fails the call with a message naming the parameter.
    int fileUrlsPerCall = 16;
    std::chrono::milliseconds fileUrlStallTimeout{10000};
    std::chrono::milliseconds fileUrlTimeout{120000};
    //! Networks besides the public internet that URL files may come from ("10.1.0.0/16",
    //! "192.168.1.5"), e.g. an intranet file server (`--file-url-network`). listen() fails
    //! on an entry that is not a network.
    QStringList fileUrlNetworks;

    //! Access token (`--token`, env QRADIO_TOKEN). Required to listen on anything but loopback.
    //! When set, every route but the public ones needs `Authorization: Bearer <token>` (what
    //! gradio_client's and `@gradio/client`'s `token` send) or the cookie a browser gets by
    //! opening `/?token=<token>` once.
    QString token;
    //! Listen beyond loopback without a token all the same (`--public`, env QRADIO_PUBLIC=1): for
    //! an app meant for anyone, such as a public Space. Whoever reaches the port can call it.
    bool allowWithoutToken = false;
    //! Host names (besides loopback, and the machine's own when bound wider) the app answers
    //! to; "*" for any (`--allowed-host`, env QRADIO_ALLOWED_HOSTS, comma-separated). Others: 403.
    QStringList allowedHosts;
    //! Origins ("http://localhost:5173") whose pages may call the app, besides its own pages;
    //! "*" for any (`--allow-origin`, env QRADIO_ALLOWED_ORIGINS). Others: 403.
    QStringList allowedOrigins;

    //! Password login (Gradio's `launch(auth=...)`; `--auth user:password`, `--auth-file`): user
    //! name / password pairs. With these or authCallback, Gradio's protected routes (/config,
    //! /gradio_api/info, queue join/data/status, call, run) need the session cookie
    //! `POST /login` sets (401 otherwise), and a browser opening `/` gets a login page. Other
    //! built-in routes and user routes stay open unless marked RouteBuilder::requireLogin().
    //! Independent of the access token: both may be on.
    QList<QPair<QString, QString>> auth;
    //! Also accepts a user when this returns true (Gradio's `auth=callable`). Runs on a network
    //! thread: it must be quick and thread-safe.
    std::function<bool(const QString &user, const QString &password)> authCallback;
    //! Shown on the login page and in the 401 body (Gradio's auth_message; `--auth-message`).
    QString authMessage;
    //! Outside login (Gradio's auth_dependency): the user a request belongs to (e.g. from a
    //! header a trusted proxy sets), or nullopt. Runs for every request on the network threads:
    //! quick and thread-safe. Not together with auth / authCallback: listen() fails.
    std::function<std::optional<QString>(const Request &)> authDependency;
    //! Login sessions kept at most; a new one beyond it forgets the oldest.
    int maxLoginSessions = 10000;
    //! A session ends this long after its login; 0: at logout or when the server stops.
    std::chrono::seconds loginSessionLifetime{0};
    //! A failed login is answered after this delay, doubled for each further failure from the
    //! same address (up to 30 s), until that address logs in or stays quiet for 15 minutes.
    std::chrono::milliseconds loginFailureDelay{500};

    //! Prometheus metrics (`--metrics`, env QRADIO_METRICS=1): `GET /metrics` on the main port,
    //! under the access token like other routes (Prometheus sends it with its `authorization`
    //! scrape setting). Text format 0.0.4: requests by method, route pattern and status,
    //! request durations, bytes in and out, open connections and event streams, queue waits,
    //! running calls by concurrency group, call durations by endpoint and outcome, MCP
    //! sessions, process figures. Off: no route, and nothing is counted.
    bool metrics = false;
    //! Also (or only) serves the metrics at `GET /metrics` on this port of 127.0.0.1, without
    //! the token (`--metrics-port`, env QRADIO_METRICS_PORT); 0 = none. listen() fails if it
    //! cannot be bound; it closes with the server.
    quint16 metricsPort = 0;
    //! One line per request in the combined log format plus the request time, as info messages
    //! of the logging category `qradio.access` (`--access-log`, env QRADIO_ACCESS_LOG=1). A
    //! stream is logged when it ends, with the bytes it sent. QT_LOGGING_RULES may still turn the
    //! category off; see accesslog.h for structured handlers.
    bool accessLog = false;
    //! How long Server::drain() lets accepted calls finish before it cancels what still runs
    //! (`--drain-timeout`, env QRADIO_DRAIN_TIMEOUT in seconds).
    std::chrono::milliseconds drainTimeout{30000};
    //! `GET /gradio_api/health` and `/gradio_api/ready` answer without the access token
    //! (`--public-health`, env QRADIO_PUBLIC_HEALTH=1), for probes that cannot send it. They are
    //! never behind password login; Host and Origin checks apply as to every route.
    bool publicHealth = false;
};

class ServerPrivate;
struct PrivateAccess;
class McpRegistry;

//! Options of a user route, returned by Server::route(), get(), post(), ...
//! \code
//! app.get("/healthz", [] { return QJsonObject{{"status", "ok"}}; }).publicAccess().nonBlocking();
//! \endcode
class RouteBuilder
{
public:
    //! Answered without the access token (e.g. a load balancer's health check).
    RouteBuilder &publicAccess();
    //! The handler is quick and never blocks: it runs on the network thread, without the hop
    //! to the route pool (about half the CPU of a trivial route). serveFolder() mounts always do.
    RouteBuilder &nonBlocking();
    //! With login configured (ServerOptions::auth, authCallback, authDependency), answered only
    //! for a logged-in user: others get 401, and a browser opening the page with password auth
    //! gets the login page. User routes are open by default, as in Gradio: mark a page you serve
    //! at `/` with it. The handler reads the user as Request::username.
    RouteBuilder &requireLogin();

private:
    friend class Server;
    RouteBuilder(ServerPrivate *d, qsizetype index) : m_d(d), m_index(index) {}
    ServerPrivate *m_d;
    qsizetype m_index;
};

//! The server. Register endpoints and routes, then listen().
//! \code
//! qradio::Server app;
//! app.api("add", [](int a, int b) { return a + b; }).params({"a", "b"});
//! app.get("/health", [] { return QJsonObject{{"status", "ok"}}; });
//! app.listen(QHostAddress::LocalHost, 7860);
//! \endcode
//! Registration happens before listen(); the server then owns network threads (one per core)
//! that own the sockets, and a core thread for the queue. Blocking endpoint bodies run on one
//! worker pool per concurrency group and route handlers on a route pool — never on a network
//! thread — unless a route is marked nonBlocking(). Hooks run on the network threads, so
//! they may run concurrently and must be thread-safe.
class Server : public QObject
{
    Q_OBJECT
public:
    explicit Server(ServerOptions options = {}, QObject *parent = nullptr);
    ~Server() override;

    const ServerOptions &options() const;
    //! Changes options; only before listen().
    void setOptions(const ServerOptions &options);

    //! Registers `fn` as the API endpoint `name` (gradio.Server.api). See invoker.h for the forms
    //! `fn` may take.
    //! params() with a braced list must name exactly the function's API parameters: a wrong
    //! count does not compile (ApiBuilder).
    template<typename F>
    ApiBuilder<detail::apiArity<F>> api(const QString &name, F &&fn)
    {
        return ApiBuilder<detail::apiArity<F>>(addEndpoint(name, detail::makeInvoker(std::forward<F>(fn))));
    }

    using Handler = std::function<Response(const Request &)>;
    //! Adds a route. `pattern` is a path with `<name>` placeholders (one segment each) or a final
    //! `<name...>` (the rest of the path).
    //!
    //! Precedence: routes without `<name...>` come first, then the built-in routes (Gradio's
    //! protocol, login, MCP), then catch-alls (`<name...>` routes and serveFolder() mounts, those
    //! with the longer literal prefix first), otherwise in the order added. So `GET /` replaces the built-in page, and `GET /<path...>`
    //! answers every other GET without taking `/config` or `/gradio_api/...` from the clients.
    //! A route of the first group that takes a built-in's path (`GET /config`, `GET /<page>`) is
    //! served, with a warning naming both at listen(); only `/` is replaced silently.
    RouteBuilder route(const QByteArray &method, const QString &pattern, Handler handler);
    template<typename F> RouteBuilder get(const QString &pattern, F &&f) { return route("GET", pattern, toHandler(std::forward<F>(f))); }
    template<typename F> RouteBuilder post(const QString &pattern, F &&f) { return route("POST", pattern, toHandler(std::forward<F>(f))); }
    template<typename F> RouteBuilder put(const QString &pattern, F &&f) { return route("PUT", pattern, toHandler(std::forward<F>(f))); }
    template<typename F> RouteBuilder del(const QString &pattern, F &&f) { return route("DELETE", pattern, toHandler(std::forward<F>(f))); }

    //! Serves the files of `folder` (a directory, or a resource folder such as `:/app/frontend`)
    //! under `urlPrefix` (`"/"`, `"/app"`), GET and HEAD only; options in StaticFolderOptions.
    //! The prefix itself and each folder answer their `index.html`; other folders, files whose
    //! name or a folder on whose path starts with a dot, and anything reached through a symlink
    //! leading out of `folder` are 404, as is any path with `..`, a backslash, a control
    //! character or an encoded `/`, `\` or `%`. A folder path without its final `/` is
    //! redirected to it (relative links in the page then resolve). Types come from the MIME
    //! database (`text/*` and JavaScript with `charset=utf-8`, `.wasm` as `application/wasm`);
    //! files carry a strong ETag, Last-Modified and Accept-Ranges, answer `If-None-Match` /
    //! `If-Modified-Since` with 304 and one `Range` with 206, and are streamed in pieces.
    //!
    //! The mount is a catch-all (see route()): built-in routes keep their paths, and only the
    //! prefix itself (`/` shows the app instead of the built-in page) is taken before them.
    //! Files are served to anyone who passes the access token, like other user routes; mark the
    //! mount requireLogin() to put the app behind password login. A missing folder is reported
    //! as a warning here; its files are looked up on each request.
    //! \code
    //! app.serveFolder("/", ":/app/frontend", {.spaFallback = true}).requireLogin();
    //! \endcode
    RouteBuilder serveFolder(const QString &urlPrefix, const QString &folder, const StaticFolderOptions &options = {});

    //! Runs before every request; return a Response to answer it without going further.
    void beforeRequest(std::function<std::optional<Response>(const Request &)> hook);
    //! Runs on every complete response (and the head of every stream) before it is sent.
    void afterRequest(std::function<void(const Request &, Response &)> hook);
    //! Turns an exception thrown by a route handler into the response sent.
    void onError(std::function<Response(const Request &, const std::exception &)> hook);

    //! Starts serving; blocks until the port is bound. Port 0 picks a free port. After a failure
    //! (see errorString()) it may be called again, e.g. with the next port. An address other
    //! than loopback is refused without an access token (ServerOptions::token).
    bool listen(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 7860);
    //! Starts the network thread and the queue without opening any port, for in-process
    //! transports such as MCP over stdio.
    bool start();
    bool isListening() const;
    //! Why listen() failed.
    QString errorString() const;
    //! What kind of failure errorString() describes.
    enum class ListenError {
        None,
        Refused, //!< by policy: a non-loopback address without an access token
        Tls,     //!< the certificate or key (ServerOptions::sslCertFile, sslKeyFile)
        Other,   //!< the address or port (in use, not available), or other options
    };
    ListenError listenError() const;
    quint16 port() const;
    QHostAddress address() const;
    //! `http://host:port` (`https://` with TLS), as printed at start-up.
    QUrl url() const;
    //! The certificate the server presents over TLS; null without TLS. A window showing the
    //! app's pages may trust exactly this one for url()'s origin (a self-signed certificate).
    QSslCertificate certificate() const;
    //! For the desktop window (the launcher uses it): a one-time ticket that logs in as
    //! `username` the first browser opening any page with `?login_ticket=<ticket>`, within a
    //! minute. Empty unless listening with password auth.
    QString issueLoginTicket(const QString &username);
    //! Stops accepting, cancels jobs, ends streams, closes every connection and the port.
    //! Blocks until done; safe to call twice. The destructor calls it.
    void stop();
    //! Starts a graceful drain and returns at once (the launcher calls it on SIGTERM). New calls
    //! (queue/join, /call, /run, MCP tools, in-process) are refused with 503
    //! `{"detail":"Queue is stopped."}`; calls already accepted, waiting or running, still run
    //! and their results reach their streams, which then end as usual. The port stays open:
    //! clients of accepted calls keep reading, while `queue/data` and the heartbeat of a session
    //! this server does not know get that 503 (a proxy retries them elsewhere), and
    //! `/gradio_api/ready` answers 503. drained() follows once nothing waits or runs and every
    //! result was sent (unread results get a few seconds), or at ServerOptions::drainTimeout,
    //! when what still runs is cancelled and open streams get "Server stopped unexpectedly.".
    //! Then call stop(). Does nothing when not listening or already draining.
    void drain();
    //! drain() was called and stop() was not.
    bool isDraining() const;
    //! Calls waiting or running right now (queue, /call, /run, MCP); 0 when not listening.
    //! Asks the server's core thread and waits for the answer: not for hot paths.
    int callsInFlight() const;

    //! The registered endpoints, in fn_index order.
    QList<std::shared_ptr<const EndpointSpec>> endpoints() const;
    //! MCP-only tools, resources and prompts (gradio.Server's `server.mcp`); see mcp.h.
    McpRegistry &mcp();

Q_SIGNALS:
    //! Emitted (on the thread that called stop()) once everything is closed.
    void stopped();
    //! Emitted (on the server's thread) when a drain() has finished; not after stop().
    void drained();

private:
    friend struct PrivateAccess;
    bool serve(const QHostAddress *address, quint16 port);
    EndpointBuilder addEndpoint(const QString &name, detail::Invoker invoker);

    template<typename F>
    static Handler toHandler(F &&f)
    {
        using Fn = std::remove_cvref_t<F>;
        return [fn = Fn(std::forward<F>(f))](const Request &request) -> Response {
            if constexpr (std::is_invocable_v<const Fn &, const Request &>)
                return toResponse(fn(request));
            else
                return toResponse(fn());
        };
    }
    static Response toResponse(Response r) { return r; }
    static Response toResponse(const QJsonObject &o) { return Response::json(o); }
    static Response toResponse(const QJsonArray &a) { return Response::json(a); }
    static Response toResponse(const QJsonValue &v) { return Response::json(v); }
    static Response toResponse(const QString &s) { return Response::json(s); }

    std::unique_ptr<ServerPrivate> d;
};

} // namespace qradio
