// SPDX-License-Identifier: MIT
#include "login.h"

#include "guard.h"

#include <QCryptographicHash>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QSet>
#include <QUrl>

Q_LOGGING_CATEGORY(lcLogin, "qradio.login", QtInfoMsg)

namespace qradio::security {

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kTicketLifetime = std::chrono::minutes(1);
constexpr auto kFailureMemory = std::chrono::minutes(15);
constexpr auto kMaxFailureDelay = std::chrono::milliseconds(30000);
constexpr qsizetype kMaxPeersRemembered = 10000;
const QString kTicketItem = QStringLiteral("login_ticket");

//! 16 random bytes, URL-safe base64 without padding: no '=' that a cookie parser could trip on.
QByteArray randomToken()
{
    quint32 words[4];
    QRandomGenerator::system()->fillRange(words);
    return QByteArray(reinterpret_cast<const char *>(words), sizeof words)
        .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray digest(const QString &text)
{
    return QCryptographicHash::hash(text.toUtf8(), QCryptographicHash::Sha256);
}

//! Every value of cookie `name` the request carries, in order.
QList<QByteArray> cookieValues(const Request &request, const QByteArray &name)
{
    QList<QByteArray> out;
    for (const auto &[header, value] : request.headers) {
        if (header.compare("cookie", Qt::CaseInsensitive) != 0)
            continue;
        for (const QByteArray &pair : value.split(';')) {
            const QByteArray item = pair.trimmed();
            if (item.startsWith(name + '='))
                out.append(item.mid(name.size() + 1));
        }
    }
    return out;
}

//! The page a browser opens: the request asks for HTML by GET or HEAD.
bool isPageRequest(const Request &request)
{
    return (request.method == "GET" || request.method == "HEAD") && request.header("accept").contains("text/html");
}

QString loginPage(const QString &message, const QString &loginUrl)
{
    // Self-contained (no script or style from elsewhere), so it works offline and under any CSP.
    const QString note = message.isEmpty() ? QString() : QStringLiteral("<p class=\"note\">%1</p>").arg(message.toHtmlEscaped());
    return QStringLiteral(R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Login</title>
<style>
body{font-family:system-ui,sans-serif;background:#f6f7f9;display:flex;min-height:100vh;margin:0;align-items:center;justify-content:center}
form{background:#fff;padding:2em;border-radius:8px;box-shadow:0 1px 4px #0002;width:18em}
h1{font-size:1.3em;margin:0 0 1em}label{display:block;margin:.6em 0 .2em}input{width:100%;box-sizing:border-box;padding:.5em}
button{margin-top:1.2em;width:100%;padding:.6em;background:#f97316;color:#fff;border:0;border-radius:4px;font-size:1em}
.note{color:#444}.error{color:#b91c1c;min-height:1.2em}
</style></head><body>
<form id="login" method="post" action="%2">
<h1>Login</h1>%1
<label for="username">Username</label><input id="username" name="username" autocomplete="username" required autofocus>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Login</button><p class="error" id="error" role="alert"></p>
</form>
<script>
document.getElementById("login").addEventListener("submit", async (event) => {
  event.preventDefault();
  const error = document.getElementById("error");
  error.textContent = "";
  try {
    const response = await fetch(event.target.action, {method: "POST", body: new URLSearchParams(new FormData(event.target))});
    if (response.ok) { location.reload(); return; }
    error.textContent = response.status === 400 ? "Incorrect credentials." : "Login failed (" + response.status + ").";
  } catch (e) { error.textContent = "The app cannot be reached."; }
});
</script></body></html>
)").arg(note, loginUrl.toHtmlEscaped());
}

} // namespace

Login::Login(Settings settings) : m_settings(std::move(settings))
{
    for (const auto &[user, password] : std::as_const(m_settings.users))
        m_users.insert(user, digest(password)); // a later pair for the same name wins, as in Gradio's dict
    const QByteArray id = randomToken(); // per server instance: two apps on one host keep apart
    m_cookie = "access-token-" + id;
    m_unsecureCookie = "access-token-unsecure-" + id;
    QString path = QUrl(m_settings.rootPath).path(QUrl::FullyEncoded);
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    m_cookiePath = (path.startsWith(QLatin1Char('/')) ? path : QString()).toLatin1() + '/';
    m_settings.maxSessions = std::max(1, m_settings.maxSessions);
}

QString Login::conflict(const Settings &settings)
{
    if (settings.dependency && (!settings.users.isEmpty() || settings.check))
        return QStringLiteral("ServerOptions::authDependency cannot be combined with password login (auth, "
                              "authCallback): the dependency decides who a request belongs to, so passwords "
                              "would never be asked for. Configure one of them.");
    return {};
}

std::optional<QString> Login::userOf(const Request &request) const
{
    if (m_settings.dependency) {
        std::optional<QString> user = m_settings.dependency(request);
        if (user && user->isEmpty())
            return std::nullopt;
        return user;
    }
    if (!hasPasswords())
        return std::nullopt;
    // The secure cookie first, then the one a plain-http browser kept (Gradio's order).
    QList<QByteArray> tokens = cookieValues(request, m_cookie) + cookieValues(request, m_unsecureCookie);
    if (tokens.isEmpty())
        return std::nullopt;
    const auto now = Clock::now();
    QMutexLocker lock(&m_mutex);
    for (const QByteArray &token : std::as_const(tokens)) {
        const auto found = m_sessions.constFind(token);
        if (found != m_sessions.cend() && found->expires > now)
            return found->user;
    }
    return std::nullopt;
}

Response Login::refusal(const Request &request) const
{
    if (hasPasswords() && isPageRequest(request)) {
        // A relative address of /login: right however deep the page is and behind a proxy
        // that strips a prefix.
        const qsizetype depth = request.url.path(QUrl::FullyEncoded).count(QLatin1Char('/'));
        const QString up = depth <= 1 ? QStringLiteral("./") : QStringLiteral("../").repeated(depth - 1);
        Response page = Response::html(loginPage(m_settings.message, up + QStringLiteral("login")));
        page.setHeader("Cache-Control", "no-store");
        return page;
    }
    const QJsonValue message = m_settings.message.isEmpty() ? QJsonValue() : QJsonValue(m_settings.message);
    return Response::json(QJsonObject{{QStringLiteral("detail"),
                                       QJsonObject{{QStringLiteral("error"), QStringLiteral("Not authenticated")},
                                                   {QStringLiteral("auth_message"), message}}}},
                          401);
}

bool Login::verify(const QString &user, const QString &password) const
{
    const QByteArray given = digest(password);
    const auto found = m_users.constFind(user);
    // Hashes of equal length, compared in full: the time says nothing about the password. An
    // unknown name costs the same comparison.
    const bool listed = constantTimeEquals(given, found != m_users.cend() ? *found : digest(QString()))
        && found != m_users.cend();
    if (listed)
        return true;
    return m_settings.check && m_settings.check(user, password);
}

QByteArray Login::newSession(const QString &user)
{
    const QByteArray token = randomToken();
    const auto expires = m_settings.lifetime.count() > 0 ? Clock::now() + m_settings.lifetime : Clock::time_point::max();
    QMutexLocker lock(&m_mutex);
    const quint64 order = m_next++;
    m_sessions.insert(token, Session{user, order, expires});
    m_order.emplace(order, token);
    while (m_sessions.size() > m_settings.maxSessions)
        forget(m_order.begin()->second);
    return token;
}

void Login::forget(const QByteArray &token)
{
    const auto found = m_sessions.constFind(token);
    if (found == m_sessions.cend())
        return;
    m_order.erase(found->order);
    m_sessions.erase(found);
}

QByteArray Login::cookieHeader(const QByteArray &name, const QByteArray &value, bool remove) const
{
    // Gradio's pair. The Secure one (SameSite=None, so an app embedded in another site's page
    // keeps its session, as on Spaces) serves HTTPS deployments; browsers drop a Secure cookie
    // over plain HTTP except on localhost. The unsecure one (SameSite=Lax) is what a browser
    // keeps and sends on a plain-http loopback or LAN server, so marking the first Secure never
    // stops a browser from staying logged in. @gradio/client reads Set-Cookie itself and copies
    // the name=value pairs into its Cookie header whatever the attributes say, so Secure does
    // not stop it either. Cross-site misuse of either cookie meets the guard's Origin rule.
    // Over HTTPS (ServerOptions::sslCertFile) the unsecure one is Secure too: a browser has no
    // plain-http page of this origin to send it to.
    const bool secure = name == m_cookie;
    QByteArray header = name + '=' + value + "; HttpOnly; Path=" + m_cookiePath
        + (secure ? "; SameSite=None; Secure" : m_settings.tls ? "; SameSite=Lax; Secure" : "; SameSite=Lax");
    if (remove)
        header += "; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT";
    else if (m_settings.lifetime.count() > 0)
        header += "; Max-Age=" + QByteArray::number(qint64(m_settings.lifetime.count()));
    return header;
}

Response Login::openSession(const QString &user)
{
    const QByteArray token = newSession(user);
    qCDebug(lcLogin) << "user" << user << "logged in";
    Response r = Response::json(QJsonObject{{QStringLiteral("success"), true}});
    r.addHeader("Set-Cookie", cookieHeader(m_cookie, token, false));
    r.addHeader("Set-Cookie", cookieHeader(m_unsecureCookie, token, false));
    r.setHeader("Cache-Control", "no-store");
    return r;
}

Response Login::logout(const Request &request, bool allSessions)
{
    const QList<QByteArray> tokens = cookieValues(request, m_cookie) + cookieValues(request, m_unsecureCookie);
    {
        QMutexLocker lock(&m_mutex);
        QSet<QString> users;
        for (const QByteArray &token : tokens) {
            const auto found = m_sessions.constFind(token);
            if (found != m_sessions.cend())
                users.insert(found->user);
            forget(token);
        }
        if (allSessions && !users.isEmpty()) {
            for (auto it = m_sessions.begin(); it != m_sessions.end();) {
                if (users.contains(it->user)) {
                    m_order.erase(it->order);
                    it = m_sessions.erase(it);
                } else {
                    ++it;
                }
            }
        }
    }
    Response r = Response::redirect(rootUrl(), 302);
    r.addHeader("Set-Cookie", cookieHeader(m_cookie, {}, true));
    r.addHeader("Set-Cookie", cookieHeader(m_unsecureCookie, {}, true));
    r.setHeader("Cache-Control", "no-store");
    return r;
}

QString Login::issueTicket(const QString &user)
{
    if (!hasPasswords())
        return {};
    const QByteArray ticket = randomToken();
    QMutexLocker lock(&m_mutex);
    m_tickets.insert(ticket, Ticket{user, Clock::now() + kTicketLifetime});
    return QString::fromLatin1(ticket);
}

std::optional<Response> Login::ticketLogin(const Request &request)
{
    if ((request.method != "GET" && request.method != "HEAD") || !request.query.hasQueryItem(kTicketItem))
        return std::nullopt;
    const QByteArray given = request.query.queryItemValue(kTicketItem, QUrl::FullyDecoded).toLatin1();
    std::optional<QString> user;
    {
        QMutexLocker lock(&m_mutex);
        const auto now = Clock::now();
        m_tickets.removeIf([now](const auto &it) { return it.value().expires <= now; });
        if (const auto found = m_tickets.constFind(given); found != m_tickets.cend()) {
            user = found->user;
            m_tickets.erase(found); // one use: an address that leaked later logs nobody in
        }
    }
    QUrlQuery rest = request.query;
    rest.removeAllQueryItems(kTicketItem);
    QUrl target;
    target.setPath(request.url.path(QUrl::FullyEncoded), QUrl::StrictMode);
    if (!rest.isEmpty())
        target.setQuery(rest);
    Response r = user ? openSession(*user) : Response();
    r.setStatus(303);
    r.setBody({});
    r.removeHeader("Content-Type");
    r.setHeader("Location", target.toString(QUrl::FullyEncoded).toUtf8());
    r.setHeader("Cache-Control", "no-store");
    r.setHeader("Referrer-Policy", "no-referrer");
    return r;
}

std::chrono::milliseconds Login::recordFailure(const QString &peer)
{
    const auto now = Clock::now();
    QMutexLocker lock(&m_mutex);
    if (m_failures.size() >= kMaxPeersRemembered)
        m_failures.removeIf([now](const auto &it) { return now - it.value().last > kFailureMemory; });
    if (m_failures.size() >= kMaxPeersRemembered)
        m_failures.clear(); // a flood from many addresses: start counting afresh rather than grow
    Failures &f = m_failures[peer];
    if (now - f.last > kFailureMemory)
        f.count = 0;
    f.last = now;
    f.count = std::min(f.count + 1, 30);
    auto delay = m_settings.failureDelay;
    for (int i = 1; i < f.count && delay < kMaxFailureDelay; ++i)
        delay *= 2;
    return std::min(delay, std::chrono::milliseconds(kMaxFailureDelay));
}

void Login::clearFailures(const QString &peer)
{
    QMutexLocker lock(&m_mutex);
    m_failures.remove(peer);
}

QString Login::rootUrl() const
{
    QString root = m_settings.rootPath;
    if (root.isEmpty())
        return QStringLiteral("/");
    return root.endsWith(QLatin1Char('/')) ? root : root + QLatin1Char('/');
}

qsizetype Login::sessionCount() const
{
    QMutexLocker lock(&m_mutex);
    return m_sessions.size();
}

} // namespace qradio::security
