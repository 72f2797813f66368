// SPDX-License-Identifier: MIT
// POST /login and GET /logout (protocol spec 1.4, 8.3). Both are answered on the network thread;
// a failed login is answered later by a timer there, never by blocking it.
#include "../files/multipart.h"
#include "../http/exchange.h"
#include "../routes.h"
#include "login.h"

#include <QPointer>
#include <QTimer>

namespace qradio::security {

using http::Exchange;

namespace {

struct Credentials
{
    std::optional<QString> username;
    std::optional<QString> password;
};

//! `application/x-www-form-urlencoded`: `+` is a space, then percent-decoding.
Credentials fromUrlEncoded(QByteArray body)
{
    Credentials c;
    for (const QByteArray &pair : body.replace('+', ' ').split('&')) {
        const qsizetype eq = pair.indexOf('=');
        const QByteArray name = QByteArray::fromPercentEncoding(eq < 0 ? pair : pair.left(eq));
        const QString value = QString::fromUtf8(QByteArray::fromPercentEncoding(eq < 0 ? QByteArray() : pair.mid(eq + 1)));
        if (name == "username" && !c.username)
            c.username = value;
        else if (name == "password" && !c.password)
            c.password = value;
    }
    return c;
}

//! `multipart/form-data` (what @gradio/client's FormData sends). Nullopt for a malformed body.
std::optional<Credentials> fromMultipart(const QByteArray &boundary, const QByteArray &body)
{
    Credentials c;
    QByteArray name;
    QByteArray value;
    bool field = false;
    files::MultipartParser parser(boundary, {.maxFiles = 0, .maxFields = 16, .maxFieldBytes = 64 * 1024},
        {.partBegin = [&](const files::MultipartParser::Part &part) {
             name = part.name;
             value.clear();
             field = !part.isFile();
         },
         .partData = [&](QByteArrayView data) { value += data; },
         .partEnd = [&] {
             if (field && name == "username" && !c.username)
                 c.username = QString::fromUtf8(value);
             else if (field && name == "password" && !c.password)
                 c.password = QString::fromUtf8(value);
         }});
    if (!parser.feed(body) || !parser.finish())
        return std::nullopt;
    return c;
}

//! A login form is a name and a password: anything larger is not parsed on the network thread.
constexpr qsizetype kMaxFormBytes = 64 * 1024;

Response formError(const QString &what)
{
    return Response::error(422, what);
}

void login(const RouteContext &c, Exchange *ex)
{
    Login *login = c.login;
    const Request &request = ex->request();
    if (!login->hasPasswords()) {
        c.out->respond(ex, Response::redirect(login->rootUrl(), 302));
        return;
    }
    if (request.body.size() > kMaxFormBytes) {
        c.out->respond(ex, Response::error(413, QStringLiteral("A login form is at most 64 KiB.")));
        return;
    }
    const QByteArray contentType = request.header("content-type");
    std::optional<Credentials> credentials;
    if (const auto boundary = files::MultipartParser::boundaryFromContentType(contentType))
        credentials = fromMultipart(*boundary, request.body);
    else if (contentType.split(';').first().trimmed().toLower() == "application/x-www-form-urlencoded")
        credentials = fromUrlEncoded(request.body);
    else {
        c.out->respond(ex, formError(QStringLiteral("Send username and password as a form (application/"
                                                    "x-www-form-urlencoded or multipart/form-data).")));
        return;
    }
    if (!credentials || !credentials->username || !credentials->password) {
        c.out->respond(ex, formError(QStringLiteral("The form needs the fields username and password.")));
        return;
    }
    const QString user = credentials->username->trimmed(); // as Gradio: the name is stripped, the password not
    const QString peer = request.peer.toString();
    if (login->verify(user, *credentials->password)) {
        login->clearFailures(peer);
        c.out->respond(ex, login->openSession(user));
        return;
    }
    // Held back on a timer of this thread, longer for each failure from the same address: a
    // guesser gets few tries, and the thread serves others meanwhile. A client that leaves
    // takes its exchange, and with it the timer.
    const auto delay = login->recordFailure(peer);
    QTimer::singleShot(delay, Qt::PreciseTimer, ex, [out = c.out, target = QPointer<Exchange>(ex)] {
        if (target)
            out->respond(target, Response::error(400, QStringLiteral("Incorrect credentials.")));
    });
}

void logout(const RouteContext &c, Exchange *ex)
{
    const QString all = ex->request().query.queryItemValue(QStringLiteral("all_session")).toLower();
    const bool allSessions = all.isEmpty() || (all != QLatin1String("false") && all != QLatin1String("0"));
    c.out->respond(ex, c.login->logout(ex->request(), allSessions));
}

} // namespace

void installRoutes(http::Router &r, const RouteContext &c)
{
    // Form routes: not JsonBody. CSRF is the guard's Origin rule, which every route passes.
    r.addBuiltin("POST", QStringLiteral("/login"), [c](Exchange *ex) { login(c, ex); }, http::Inline);
    r.addBuiltin("GET", QStringLiteral("/logout"), [c](Exchange *ex) { logout(c, ex); }, http::Inline);
}

} // namespace qradio::security
