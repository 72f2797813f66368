// SPDX-License-Identifier: MIT
#pragma once

#include <qradio/http.h>

#include <QByteArray>
#include <QHash>
#include <QMutex>
#include <QString>

#include <chrono>
#include <functional>
#include <map>
#include <optional>

namespace qradio::security {

//! Gradio's login (`launch(auth=...)`, `auth_dependency`): who a request belongs to, the
//! sessions `POST /login` opens and `GET /logout` closes, and the answer a protected route gives
//! a stranger. The guard asks it once per request; its routes are in loginroutes.cpp. Used from
//! every network thread at once: the sessions sit behind a mutex.
class Login
{
public:
    struct Settings
    {
        QList<QPair<QString, QString>> users;
        std::function<bool(const QString &, const QString &)> check;
        std::function<std::optional<QString>(const Request &)> dependency;
        QString message;
        QString rootPath;                       //!< Gradio's root_path: cookie path and redirects
        int maxSessions = 10000;
        std::chrono::seconds lifetime{0};        //!< 0: until logout
        std::chrono::milliseconds failureDelay{500};
        bool tls = false;                        //!< served over HTTPS: both cookies are Secure
    };
    explicit Login(Settings settings);
    const Settings &settings() const { return m_settings; }

    //! Why these settings cannot run (password auth and a dependency together); empty if fine.
    static QString conflict(const Settings &settings);

    //! Any login configured: protected routes need a user.
    bool isEnabled() const { return hasPasswords() || bool(m_settings.dependency); }
    //! Password login (users or a callback): /login, cookies, the login page.
    bool hasPasswords() const { return !m_users.isEmpty() || bool(m_settings.check); }

    //! The request's user: from the dependency, else from a live session cookie.
    std::optional<QString> userOf(const Request &request) const;
    //! What a protected route answers without a user: the login page to a browser opening a
    //! page (password login), else 401 with Gradio's body.
    Response refusal(const Request &request) const;
    //! `?login_ticket=` on a GET: a redirect to the same address without it, with the session
    //! cookies if the ticket was good. Nothing when the request has no ticket.
    std::optional<Response> ticketLogin(const Request &request);

    //! True if the pair is valid: users compared in constant time, then the callback.
    bool verify(const QString &user, const QString &password) const;
    //! A new session for `user`: the 200 answer of a good `POST /login`, cookies set.
    Response openSession(const QString &user);
    //! `GET /logout`: forgets the request's session (every session of its user with
    //! `allSessions`) and answers the redirect that deletes the cookies.
    Response logout(const Request &request, bool allSessions);
    //! A one-time ticket for `user` (Server::issueLoginTicket), good for a minute.
    QString issueTicket(const QString &user);

    //! How long to hold back the answer to a failed login from `peer`, counting this failure.
    std::chrono::milliseconds recordFailure(const QString &peer);
    void clearFailures(const QString &peer);

    //! Where `/login` without password auth and `/logout` send the browser.
    QString rootUrl() const;
    QByteArray cookieName() const { return m_cookie; }
    QByteArray unsecureCookieName() const { return m_unsecureCookie; }
    qsizetype sessionCount() const;

private:
    struct Session
    {
        QString user;
        quint64 order;
        std::chrono::steady_clock::time_point expires; //!< max(): never
    };
    struct Failures
    {
        int count = 0;
        std::chrono::steady_clock::time_point last;
    };
    struct Ticket
    {
        QString user;
        std::chrono::steady_clock::time_point expires;
    };
    QByteArray newSession(const QString &user);
    void forget(const QByteArray &token); //!< with m_mutex held
    QByteArray cookieHeader(const QByteArray &name, const QByteArray &value, bool remove) const;

    Settings m_settings;
    QHash<QString, QByteArray> m_users; //!< name -> SHA-256 of the password
    QByteArray m_cookie;
    QByteArray m_unsecureCookie;
    QByteArray m_cookiePath;

    mutable QMutex m_mutex;
    QHash<QByteArray, Session> m_sessions;
    std::map<quint64, QByteArray> m_order; //!< oldest first
    quint64 m_next = 0;
    QHash<QString, Failures> m_failures;
    QHash<QByteArray, Ticket> m_tickets;
};

} // namespace qradio::security
