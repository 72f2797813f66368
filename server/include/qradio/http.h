// SPDX-License-Identifier: MIT
#pragma once

//! \file http.h
//! Requests and responses of custom routes.

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QJsonValue>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrl>
#include <QUrlQuery>

namespace qradio {

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

//! An HTTP request, copied out of the connection so it may travel to any thread.
struct Request
{
    QByteArray method;                  //!< "GET", "POST", ... (upper case)
    QUrl url;                           //!< full URL as the client named it (with Host)
    QString path;                       //!< percent-decoded path
    QUrlQuery query;                    //!< query string; `+` is already decoded to a space
    HeaderList headers;                 //!< in arrival order, names as sent
    QByteArray body;
    QHash<QString, QString> pathParams; //!< values of `<name>` placeholders of the matched route
    QHostAddress peer;
    //! The logged-in user (login session or ServerOptions::authDependency); empty if none.
    QString username;

    //! The first header with this name, compared case-insensitively; empty if absent.
    QByteArray header(QByteArrayView name) const;
    bool hasHeader(QByteArrayView name) const;
    //! A path parameter by name.
    QString param(const QString &name) const { return pathParams.value(name); }
};

//! A complete HTTP response.
//! \code
//! app.get("/health", [] { return qradio::Response::json(QJsonObject{{"status", "ok"}}); });
//! \endcode
class Response
{
public:
    explicit Response(int status = 200, QByteArray body = {},
                      QByteArray contentType = "text/plain; charset=utf-8");

    static Response json(const QJsonValue &value, int status = 200);
    static Response html(const QString &html, int status = 200);
    static Response text(const QString &text, int status = 200);
    //! `{"detail": message}`, FastAPI's error shape.
    static Response error(int status, const QString &detail);
    static Response redirect(const QString &location, int status = 307);

    int status() const { return m_status; }
    void setStatus(int status) { m_status = status; }
    const QByteArray &body() const { return m_body; }
    void setBody(QByteArray body) { m_body = std::move(body); }
    const HeaderList &headers() const { return m_headers; }
    QByteArray header(QByteArrayView name) const;
    //! Replaces every header of that name.
    Response &setHeader(const QByteArray &name, const QByteArray &value);
    Response &addHeader(const QByteArray &name, const QByteArray &value);
    void removeHeader(QByteArrayView name);

private:
    int m_status;
    QByteArray m_body;
    HeaderList m_headers;
};

//! Shorthands for route handlers.
inline Response Html(const QString &html) { return Response::html(html); }
inline Response Json(const QJsonValue &value) { return Response::json(value); }

} // namespace qradio
