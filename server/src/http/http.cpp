// SPDX-License-Identifier: MIT
#include <qradio/http.h>

#include "../queue/json.h"

#include <QJsonObject>

namespace qradio {

static QByteArray firstHeader(const HeaderList &headers, QByteArrayView name)
{
    for (const auto &[key, value] : headers)
        if (QByteArrayView(key).compare(name, Qt::CaseInsensitive) == 0)
            return value;
    return {};
}

QByteArray Request::header(QByteArrayView name) const { return firstHeader(headers, name); }

bool Request::hasHeader(QByteArrayView name) const
{
    for (const auto &[key, value] : headers)
        if (QByteArrayView(key).compare(name, Qt::CaseInsensitive) == 0)
            return true;
    return false;
}

Response::Response(int status, QByteArray body, QByteArray contentType)
    : m_status(status), m_body(std::move(body))
{
    if (!contentType.isEmpty())
        m_headers.append({"Content-Type", contentType});
}

Response Response::json(const QJsonValue &value, int status)
{
    return Response(status, json::compact(value), "application/json");
}

Response Response::html(const QString &html, int status)
{
    return Response(status, html.toUtf8(), "text/html; charset=utf-8");
}

Response Response::text(const QString &text, int status)
{
    return Response(status, text.toUtf8(), "text/plain; charset=utf-8");
}

Response Response::error(int status, const QString &detail)
{
    return json(QJsonObject{{QStringLiteral("detail"), detail}}, status);
}

Response Response::redirect(const QString &location, int status)
{
    Response r(status, {}, {});
    r.setHeader("Location", location.toUtf8());
    return r;
}

QByteArray Response::header(QByteArrayView name) const { return firstHeader(m_headers, name); }

Response &Response::setHeader(const QByteArray &name, const QByteArray &value)
{
    removeHeader(name);
    m_headers.append({name, value});
    return *this;
}

Response &Response::addHeader(const QByteArray &name, const QByteArray &value)
{
    m_headers.append({name, value});
    return *this;
}

void Response::removeHeader(QByteArrayView name)
{
    m_headers.removeIf([name](const auto &h) { return QByteArrayView(h.first).compare(name, Qt::CaseInsensitive) == 0; });
}

} // namespace qradio
