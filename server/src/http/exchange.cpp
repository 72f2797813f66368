// SPDX-License-Identifier: MIT
#include "exchange.h"

#include "httpconnection.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcHttp, "qradio.http", QtInfoMsg)

namespace qradio::http {

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 421: return "Misdirected Request";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return status < 400 ? "OK" : "Error";
    }
}

Exchange::Exchange(Request request, int httpMinor, bool keepAlive, HttpConnection *connection)
    : QObject(connection), m_request(std::move(request)), m_httpMinor(httpMinor),
      m_keepAlive(keepAlive), m_connection(connection)
{}

bool Exchange::isOpen() const
{
    return m_state != State::Done && m_connection && m_connection->socket()
        && m_connection->socket()->state() == QAbstractSocket::ConnectedState;
}

QByteArray Exchange::headBytes(const Response &response, bool chunked, qint64 contentLength) const
{
    QByteArray out;
    out.reserve(256);
    out += "HTTP/1." + QByteArray::number(m_httpMinor) + ' ' + QByteArray::number(response.status()) + ' '
        + reasonPhrase(response.status()) + "\r\n";
    for (const auto &[name, value] : response.headers()) {
        const QByteArray lower = name.toLower();
        if (lower == "content-length" || lower == "transfer-encoding" || lower == "connection")
            continue; // framing is ours
        out += name + ": " + value + "\r\n";
    }
    if (chunked)
        out += "Transfer-Encoding: chunked\r\n";
    else if (contentLength >= 0)
        out += "Content-Length: " + QByteArray::number(contentLength) + "\r\n";
    if (!m_keepAlive)
        out += "Connection: close\r\n";
    else if (m_httpMinor == 0)
        out += "Connection: keep-alive\r\n";
    out += "\r\n";
    return out;
}

void Exchange::send(Response response)
{
    if (m_state != State::Waiting) {
        qCWarning(lcHttp) << "response sent twice for" << m_request.path;
        return;
    }
    if (!isOpen()) {
        m_state = State::Done;
        return;
    }
    const bool noBody = response.status() == 204 || response.status() == 304 || response.status() < 200;
    QByteArray bytes = headBytes(response, false, noBody ? -1 : response.body().size());
    if (!isHead() && !noBody)
        bytes += response.body();
    m_connection->socket()->write(bytes);
    finish();
}

void Exchange::beginStream(Response head)
{
    if (m_state != State::Waiting || !isOpen())
        return;
    // HTTP/1.0 has no chunked coding: the body runs until the connection closes.
    m_chunked = m_httpMinor >= 1;
    if (!m_chunked)
        m_keepAlive = false;
    m_state = State::Streaming;
    connect(m_connection->socket(), &QTcpSocket::bytesWritten, this, &Exchange::written);
    m_connection->socket()->write(headBytes(head, m_chunked, -1));
    if (isHead())
        end();
}

bool Exchange::write(const QByteArray &data)
{
    if (m_state != State::Streaming || !isOpen())
        return false;
    if (data.isEmpty() || isHead())
        return true;
    QTcpSocket *socket = m_connection->socket();
    if (socket->bytesToWrite() > m_connection->limits().maxStreamBuffer) {
        qCWarning(lcHttp) << "cutting off a client too slow to read its stream:" << m_request.path;
        socket->abort();
        return false;
    }
    if (m_chunked)
        socket->write(QByteArray::number(data.size(), 16) + "\r\n" + data + "\r\n");
    else
        socket->write(data);
    return true;
}

void Exchange::end()
{
    if (m_state != State::Streaming)
        return;
    if (isOpen() && m_chunked && !isHead())
        m_connection->socket()->write("0\r\n\r\n");
    finish();
}

qint64 Exchange::buffered() const
{
    return isOpen() ? m_connection->socket()->bytesToWrite() : 0;
}

void Exchange::abort()
{
    if (m_connection && m_connection->socket())
        m_connection->socket()->abort();
}

void Exchange::setBackground()
{
    m_background = true;
    if (m_connection)
        m_connection->m_idleSince.start();
}

void Exchange::finish()
{
    m_state = State::Done;
    if (m_connection)
        m_connection->exchangeFinished(this);
}

void Exchange::connectionLost()
{
    if (m_state == State::Done)
        return;
    m_state = State::Done;
    Q_EMIT closed();
}

} // namespace qradio::http
