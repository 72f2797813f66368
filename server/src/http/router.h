// SPDX-License-Identifier: MIT
#pragma once

#include <qradio/http.h>

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>

namespace qradio::http {

class Exchange;

//! What a route is, for the guard and the dispatcher. Set when the route is registered.
enum RouteFlag {
    JsonBody = 0x1, //!< reads a JSON body: only `application/json` is accepted (415)
    Public = 0x2,   //!< answered without the access token
    Inline = 0x4,   //!< quick and never blocking: answered on the connection's network thread
    StreamedBody = 0x8, //!< reads its body as it arrives (Exchange::body()); Inline, Content-Length only
    //! With login configured, only for a logged-in user: Gradio's login_check routes (config,
    //! info, queue join/data/status, call, run, upload, file=) and user routes marked
    //! requireLogin().
    LoginRequired = 0x10,
};

//! One route: a method, a path pattern and what answers it. Built-in routes run on the queue's
//! thread unless Inline; user routes run on the route pool unless Inline.
struct Route
{
    QByteArray method;
    QString pattern;
    std::function<void(Exchange *)> builtin;
    std::function<Response(const Request &)> user;
    int flags = 0; //!< RouteFlag values
    //! Index of the route's label in Router::numberRoutes() (routes sharing a pattern share it).
    int id = -1;

    struct Segment
    {
        QString literal;   //!< text before the placeholder (the whole segment if no placeholder)
        QString param;     //!< placeholder name, empty if none
        bool rest = false; //!< `<name...>`: takes the rest of the path
    };
    QList<Segment> segments;
    //! A folder mount (Server::serveFolder()): matches its prefix itself, with or without a
    //! final `/`, and every path below it; the part below is the `path` parameter.
    bool mount = false;
    //! Ends in `<name...>`, or a mount: taken after the built-in routes (but for a mount's prefix).
    bool catchAll() const { return mount || (!segments.isEmpty() && segments.back().rest); }
};

//! Path patterns: `/a/<id>/b` (one segment), `/files/<path...>` or `/x/file=<path...>` (the
//! rest of the path, slashes included). A single trailing slash on the request is ignored.
class Router
{
public:
    struct Match
    {
        const Route *route = nullptr;
        QHash<QString, QString> params;
        QList<QByteArray> allowed; //!< methods of routes whose path matched (for 405 / OPTIONS)
    };

    //! Matching order: user routes that are not catch-alls, in the order added; then built-in
    //! routes; then user catch-alls (Route::catchAll(); a mount's prefix itself goes with the
    //! first group), those with more literal segments first. So a user's `GET /<path...>` or `/` mount never takes `/config` or
    //! `/gradio_api/...`, while a user's exact `GET /` still replaces the built-in page.
    //! Returns the index of the route, for userRoute().
    qsizetype addUser(const QByteArray &method, const QString &pattern, std::function<Response(const Request &)> handler);
    //! A GET mount at `prefix` (`"/"`, `"/app"`), answered by a built-in style handler set
    //! later with userRoute(index).builtin (it needs the running server's context).
    qsizetype addMount(const QString &prefix);
    Route &userRoute(qsizetype index) { return m_user[index]; }
    //! `flags` are RouteFlag values.
    void addBuiltin(const QByteArray &method, const QString &pattern, std::function<void(Exchange *)> handler,
                    int flags = 0);
    //! HEAD matches GET routes.
    Match match(const QByteArray &method, const QString &path) const;
    void clearBuiltins();
    //! Numbers every route (Route::id) by its pattern, for metrics: the returned list holds
    //! each distinct pattern once, at its id. Called when the routes are complete.
    QStringList numberRoutes();
    //! Pairs of (user route, built-in route it hides on at least one path), for the warning the
    //! server logs at listen(). A user `GET /` replacing the built-in page is intended, not listed.
    QList<QPair<const Route *, const Route *>> shadowedBuiltins() const;

private:
    static Route make(const QByteArray &method, const QString &pattern);
    static bool matchPath(const Route &route, const QString &path, QHash<QString, QString> *params);
    //! True when a mount matches `path` at its prefix itself.
    static bool isMountRoot(const Route &route, const QString &path);
    //! A path `route` matches: each placeholder filled with `x`.
    static QString samplePath(const Route &route);
    //! Puts a catch-all user route among the others, most literal segments first (nginx's
    //! longest prefix: a mount at `/app` before one at `/`), else in the order added.
    void rankCatchAll(qsizetype index);
    QList<Route> m_user;
    QList<qsizetype> m_catchAlls; //!< indexes into m_user, in matching order
    QList<Route> m_builtin;
};

} // namespace qradio::http
