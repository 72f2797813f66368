// SPDX-License-Identifier: MIT
#pragma once

#include <qradio/http.h>

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>

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

    struct Segment
    {
        QString literal;   //!< text before the placeholder (the whole segment if no placeholder)
        QString param;     //!< placeholder name, empty if none
        bool rest = false; //!< `<name...>`: takes the rest of the path
    };
    QList<Segment> segments;
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

    //! User routes are always tried before built-in ones.
    //! Returns the index of the route, for userRoute().
    qsizetype addUser(const QByteArray &method, const QString &pattern, std::function<Response(const Request &)> handler);
    Route &userRoute(qsizetype index) { return m_user[index]; }
    //! `flags` are RouteFlag values.
    void addBuiltin(const QByteArray &method, const QString &pattern, std::function<void(Exchange *)> handler,
                    int flags = 0);
    //! HEAD matches GET routes.
    Match match(const QByteArray &method, const QString &path) const;
    void clearBuiltins() { m_builtin.clear(); }

private:
    static Route make(const QByteArray &method, const QString &pattern);
    static bool matchPath(const Route &route, const QString &path, QHash<QString, QString> *params);
    QList<Route> m_user;
    QList<Route> m_builtin;
};

} // namespace qradio::http
