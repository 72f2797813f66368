// SPDX-License-Identifier: MIT
#include "guard.h"

#include "login.h"

#include <QHostInfo>
#include <QLoggingCategory>
#include <QNetworkInterface>
#include <QUrl>

Q_LOGGING_CATEGORY(lcGuard, "qradio.guard", QtInfoMsg)

namespace qradio::security {

namespace {

QString bare(QString host)
{
    host = host.toLower();
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    if (host.endsWith(QLatin1Char('.')))
        host.chop(1);
    return host;
}

//! "scheme://host:port" with the scheme's default port made explicit; empty when not a URL.
QString normalOrigin(const QUrl &url)
{
    const QString scheme = url.scheme().toLower();
    if ((scheme != QLatin1String("http") && scheme != QLatin1String("https")) || url.host().isEmpty())
        return {};
    const int port = url.port(scheme == QLatin1String("https") ? 443 : 80);
    const QString host = bare(url.host());
    return scheme + QLatin1String("://") + (host.contains(QLatin1Char(':')) ? QLatin1Char('[') + host + QLatin1Char(']') : host)
        + QLatin1Char(':') + QString::number(port);
}

QByteArray mediaType(const QByteArray &contentType)
{
    const qsizetype semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.left(semicolon)).trimmed().toLower();
}

Response refusal(int status, const QString &detail)
{
    Response r = Response::error(status, detail);
    if (status == 401)
        r.setHeader("WWW-Authenticate", "Bearer");
    return r;
}

//! localhost, *.localhost, and loopback addresses.
bool isLocalName(const QString &host)
{
    const QString h = bare(host);
    if (h == QLatin1String("localhost") || h.endsWith(QLatin1String(".localhost")))
        return true;
    const QHostAddress address(h);
    return !address.isNull() && address.isLoopback();
}

} // namespace

bool constantTimeEquals(QByteArrayView a, QByteArrayView b)
{
    // The length is not secret; the contents are compared in full whatever they hold.
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

Guard::Guard(const Settings &settings)
    : m_token(settings.token.toUtf8()), m_cookieName("qradio-token-" + QByteArray::number(settings.port)),
      m_cookieAttributes(settings.tls ? "; Path=/; HttpOnly; SameSite=Strict; Secure" : "; Path=/; HttpOnly; SameSite=Strict"),
      m_login(settings.login)
{
    for (const QString &h : settings.allowedHosts) {
        if (h.trimmed() == QLatin1String("*"))
            m_anyHost = true;
        m_hosts.insert(bare(h.trimmed()));
    }
    for (const QString &o : settings.allowedOrigins) {
        if (o.trimmed() == QLatin1String("*"))
            m_anyOrigin = true;
        const QString origin = normalOrigin(QUrl(o.trimmed()));
        if (!origin.isEmpty())
            m_origins.insert(origin);
    }
    // A deployment behind a proxy names its public URL in root_path: that host and origin are ours.
    const QUrl root(settings.rootPath);
    if (root.isValid() && !root.host().isEmpty()) {
        m_hosts.insert(bare(root.host()));
        m_origins.insert(normalOrigin(root));
    }
    // Bound wider than loopback: the names and addresses this machine is reached by.
    const bool loopbackOnly = settings.bound.isLoopback();
    if (!loopbackOnly) {
        const bool any = settings.bound == QHostAddress::Any || settings.bound == QHostAddress::AnyIPv4
            || settings.bound == QHostAddress::AnyIPv6;
        if (any) {
            for (const QHostAddress &a : QNetworkInterface::allAddresses())
                m_hosts.insert(bare(QHostAddress(a.toString().section(QLatin1Char('%'), 0, 0)).toString()));
        } else {
            m_hosts.insert(bare(settings.bound.toString()));
        }
        const QString name = QHostInfo::localHostName().toLower();
        if (!name.isEmpty()) {
            m_hosts.insert(name);
            m_hosts.insert(name + QLatin1String(".local"));
            const QString domain = QHostInfo::localDomainName().toLower();
            if (!domain.isEmpty())
                m_hosts.insert(name + QLatin1Char('.') + domain);
        }
    }
}

bool Guard::hostAllowed(const QString &host) const
{
    return m_anyHost || isLocalName(host) || m_hosts.contains(bare(host));
}

bool Guard::originAllowed(const Request &request) const
{
    if (m_anyOrigin)
        return true;
    const QString origin = normalOrigin(QUrl(QString::fromLatin1(request.header("origin"))));
    if (origin.isEmpty())
        return false; // "null" (sandboxed frames, file:// pages) and anything that is not a web origin
    if (m_origins.contains(origin))
        return true;
    // Same origin: the page was served under the name and port this request names in Host
    // (which step 1 vouched for). A Host without a port means the origin scheme's default.
    const QUrl host(QStringLiteral("http://") + QString::fromLatin1(request.header("host")));
    if (host.host().isEmpty())
        return false;
    const QUrl parsed(origin);
    return bare(host.host()) == bare(parsed.host()) && host.port(parsed.port()) == parsed.port();
}

bool Guard::corsAllowed(const Request &request) const
{
    return request.hasHeader("origin") && hostHeaderAllowed(request) && originAllowed(request);
}

bool Guard::tokenPresented(const Request &request) const
{
    const QByteArray authorization = request.header("authorization");
    if (authorization.size() > 7 && authorization.left(7).compare("bearer ", Qt::CaseInsensitive) == 0
        && constantTimeEquals(authorization.mid(7).trimmed(), m_token))
        return true;
    for (const auto &[name, value] : request.headers) {
        if (name.compare("cookie", Qt::CaseInsensitive) != 0)
            continue;
        for (const QByteArray &pair : value.split(';')) {
            const QByteArray item = pair.trimmed();
            if (item.startsWith(m_cookieName + '=') && constantTimeEquals(item.mid(m_cookieName.size() + 1), m_token))
                return true;
        }
    }
    return false;
}

std::optional<Response> Guard::tokenLogin(const Request &request) const
{
    // A browser opens `/?token=<token>` (any page) once: it gets a cookie and the same page
    // without the token in its address bar and history.
    if ((request.method != "GET" && request.method != "HEAD") || !request.query.hasQueryItem(QStringLiteral("token")))
        return std::nullopt;
    const QByteArray given = request.query.queryItemValue(QStringLiteral("token"), QUrl::FullyDecoded).toUtf8();
    if (!constantTimeEquals(given, m_token))
        return refusal(401, QStringLiteral("Invalid access token."));
    QUrlQuery rest = request.query;
    rest.removeAllQueryItems(QStringLiteral("token"));
    QUrl target;
    target.setPath(request.url.path(QUrl::FullyEncoded), QUrl::StrictMode);
    if (!rest.isEmpty())
        target.setQuery(rest);
    Response r = Response::redirect(target.toString(QUrl::FullyEncoded), 303);
    r.setHeader("Set-Cookie", m_cookieName + '=' + m_token + m_cookieAttributes);
    r.setHeader("Cache-Control", "no-store");
    r.setHeader("Referrer-Policy", "no-referrer");
    return r;
}

bool Guard::hostHeaderAllowed(const Request &request) const
{
    const QByteArray hostHeader = request.header("host");
    if (hostHeader.isEmpty())
        return true; // HTTP/1.0 without Host: no browser sends that, so no page can rebind it
    const QUrl host(QStringLiteral("http://") + QString::fromLatin1(hostHeader));
    return host.isValid() && !host.host().isEmpty() && host.userInfo().isEmpty() && host.path().isEmpty()
        && hostAllowed(host.host());
}

std::optional<Response> Guard::check(const Request &request, int routeFlags, QString *username) const
{
    if (!hostHeaderAllowed(request)) {
        const QByteArray host = request.header("host");
        qCWarning(lcGuard) << "refused" << request.method << request.path << "from" << request.peer.toString()
                           << ": Host" << host << "is not a name of this app";
        return refusal(403, QStringLiteral("Invalid Host header: %1 is not a name of this app. Add it to "
                                           "allowedHosts (--allowed-host) if it is one.")
                                .arg(QString::fromLatin1(host)));
    }
    if (request.hasHeader("origin") && !originAllowed(request)) {
        qCWarning(lcGuard) << "refused" << request.method << request.path << "from" << request.peer.toString()
                           << ": Origin" << request.header("origin");
        return refusal(403, QStringLiteral("Invalid Origin header: %1 may not call this app. Add it to "
                                           "allowedOrigins (--allow-origin) if it should.")
                                .arg(QString::fromLatin1(request.header("origin"))));
    }
    if (!m_token.isEmpty() && !(routeFlags & http::Public)) {
        if (auto login = tokenLogin(request))
            return login;
        if (!tokenPresented(request))
            return refusal(401, QStringLiteral("This app needs its access token: send 'Authorization: Bearer <token>', "
                                               "or open /?token=<token> once in a browser."));
    }
    if (m_login && m_login->isEnabled()) {
        if (m_login->hasPasswords()) {
            if (auto ticket = m_login->ticketLogin(request))
                return ticket;
        }
        const std::optional<QString> user = m_login->userOf(request);
        if (user && username)
            *username = *user;
        if (!user && (routeFlags & http::LoginRequired))
            return m_login->refusal(request);
    }
    if ((routeFlags & http::JsonBody) && mediaType(request.header("content-type")) != "application/json")
        return refusal(415, QStringLiteral("Content-Type must be application/json."));
    return std::nullopt;
}

} // namespace qradio::security
