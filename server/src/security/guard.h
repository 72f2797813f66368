// SPDX-License-Identifier: MIT
#pragma once

#include "../http/router.h"

#include <qradio/http.h>

#include <QHostAddress>
#include <QSet>
#include <QStringList>

#include <optional>

namespace qradio::security {

class Login;

//! The one check every request passes before it reaches a route (built-in, user or MCP), in
//! this order:
//!  1. Host must name this app (DNS rebinding): loopback names and addresses; when bound to
//!     more than loopback, also the machine's own addresses and names; always the hosts in
//!     allowedHosts and the host of a full-URL root_path. Else 403.
//!  2. A foreign Origin (any but the request's own, allowedOrigins and root_path's; `null`
//!     included) is refused with 403 on every request (CSRF). Requests without Origin (curl,
//!     the Python and Node clients) pass; same-origin pages pass.
//!  3. With an access token, every non-public route needs `Authorization: Bearer <token>` or
//!     the cookie a browser gets by opening any page with `?token=<token>` once (401).
//!  4. With login configured (Login), the request's user is resolved; routes marked
//!     LoginRequired refuse a request without one (401, or the login page for a browser).
//!     `?login_ticket=` on a GET logs the window in (Server::issueLoginTicket).
//!  5. JSON routes take only `application/json` bodies (415): a page cannot post JSON as
//!     text/plain without a preflight (the class of FastAPI's CVE-2021-32677).
class Guard
{
public:
    struct Settings
    {
        QHostAddress bound;          //!< the listening address
        quint16 port = 0;
        QStringList allowedHosts;    //!< "*" allows any
        QStringList allowedOrigins;  //!< "scheme://host[:port]"; "*" allows any
        QString rootPath;            //!< a full URL adds its host and origin
        QString token;               //!< empty: no token required
        Login *login = nullptr;      //!< sessions; outlives the guard
        bool tls = false;            //!< served over HTTPS: the token cookie is Secure
    };
    explicit Guard(const Settings &settings);

    //! A refusal to send instead of routing, or nothing when the request may proceed; then
    //! `username` (if given) receives the logged-in user, empty if none.
    std::optional<Response> check(const Request &request, int routeFlags, //!< http::RouteFlag
                                  QString *username = nullptr) const;
    //! Whether CORS may name this request's Origin (present and allowed).
    bool corsAllowed(const Request &request) const;

private:
    bool hostAllowed(const QString &host) const;
    bool hostHeaderAllowed(const Request &request) const;
    bool originAllowed(const Request &request) const;
    bool tokenPresented(const Request &request) const;
    std::optional<Response> tokenLogin(const Request &request) const;

    QSet<QString> m_hosts; //!< lower case, without brackets
    bool m_anyHost = false;
    QSet<QString> m_origins; //!< "scheme://host:port", lower case, explicit port
    bool m_anyOrigin = false;
    QByteArray m_token;
    QByteArray m_cookieName;
    QByteArray m_cookieAttributes;
    Login *m_login = nullptr;
};

//! Equal contents, in time that does not depend on where they differ.
bool constantTimeEquals(QByteArrayView a, QByteArrayView b);

} // namespace qradio::security
