// SPDX-License-Identifier: MIT
#include "exchange.h"

#include "httpconnection.h"

#include <QLoggingCategory>
#include <QThread>

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

Exchange::Exchange(Request request, int httpMinor, bool keepAlive, std::shared_ptr<Link> link)
    : m_request(std::move(request)), m_httpMinor(httpMinor), m_keepAlive(keepAlive), m_link(std::move(link))
{
    if (m_link->observer)
        m_received.start();
}

void Exchange::observeEnd()
{
    if (m_link->observer && !std::exchange(m_observed, true))
        m_link->observer->finished(*this);
}

bool Exchange::isOpen() const
{
    return m_state != State::Done && m_link->open.load(std::memory_order_relaxed);
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

void Exchange::bodyLeftUnread()
{
    // Answered before its streamed body has all come (a refusal): the rest is not read, so the
    // connection ends after this response.
    if (m_body && !m_body->isComplete()) {
        m_keepAlive = false;
        m_body->clearReader();
    }
}

void Exchange::onConnection(std::function<void(HttpConnection *)> work) const
{
    if (QThread::currentThread() == m_link->thread) {
        if (HttpConnection *connection = m_link->connection)
            work(connection);
        return;
    }
    m_link->home->post([link = m_link, work = std::move(work)] {
        if (HttpConnection *connection = link->connection)
            work(connection);
    });
}

void Exchange::out(QByteArray bytes, bool finished)
{
    m_link->unsent.fetch_add(bytes.size(), std::memory_order_relaxed);
    if (m_link->observer)
        m_link->observer->sent(bytes.size());
    onConnection([id = this, bytes = std::move(bytes), finished, keepAlive = m_keepAlive](HttpConnection *c) {
        c->deliver(id, bytes, finished, keepAlive);
    });
    if (finished) {
        observeEnd();
        dispose();
    }
}

void Exchange::dispose()
{
    if (!std::exchange(m_disposed, true))
        deleteLater();
}

void Exchange::send(Response response)
{
    if (m_state != State::Waiting) {
        if (m_link->open.load(std::memory_order_relaxed))
            qCWarning(lcHttp) << "response sent twice for" << m_request.path;
        return;
    }
    const bool open = isOpen();
    m_state = State::Done;
    bodyLeftUnread();
    if (!open) {
        observeEnd();
        dispose(); // the client is gone
        return;
    }
    m_status = response.status();
    const bool noBody = response.status() == 204 || response.status() == 304 || response.status() < 200;
    QByteArray bytes = headBytes(response, false, noBody ? -1 : response.body().size());
    if (!isHead() && !noBody) {
        bytes += response.body();
        m_bodyBytes = response.body().size();
    }
    out(std::move(bytes), true);
}

void Exchange::beginStream(Response head, qint64 contentLength)
{
    if (m_state != State::Waiting || !isOpen())
        return;
    // HTTP/1.0 has no chunked coding: without a length the body runs until the connection closes.
    bodyLeftUnread();
    m_chunked = contentLength < 0 && m_httpMinor >= 1;
    if (!m_chunked && contentLength < 0)
        m_keepAlive = false;
    m_state = State::Streaming;
    m_status = head.status();
    if (m_link->observer && head.header("content-type").startsWith("text/event-stream")) {
        m_eventStream = true;
        m_link->observer->eventStreamOpened();
    }
    out(headBytes(head, m_chunked, contentLength), false);
    if (isHead())
        end();
}

bool Exchange::write(const QByteArray &data)
{
    if (m_state != State::Streaming || !isOpen())
        return false;
    if (data.isEmpty() || isHead())
        return true;
    if (m_link->unsent.load(std::memory_order_relaxed) > m_link->maxStreamBuffer) {
        qCWarning(lcHttp) << "cutting off a client too slow to read its stream:" << m_request.path;
        abort();
        return false;
    }
    m_bodyBytes += data.size();
    out(m_chunked ? QByteArray::number(data.size(), 16) + "\r\n" + data + "\r\n" : data, false);
    return true;
}

void Exchange::end(const QByteArray &last)
{
    if (m_state != State::Streaming)
        return;
    m_state = State::Done;
    if (isHead()) {
        out({}, true);
        return;
    }
    m_bodyBytes += last.size();
    QByteArray bytes;
    if (m_chunked) {
        if (!last.isEmpty())
            bytes = QByteArray::number(last.size(), 16) + "\r\n" + last + "\r\n";
        bytes += "0\r\n\r\n";
    } else {
        bytes = last;
    }
    out(std::move(bytes), true);
}

qint64 Exchange::buffered() const
{
    return isOpen() ? std::max<qint64>(0, m_link->unsent.load(std::memory_order_relaxed)) : 0;
}

void Exchange::abort()
{
    onConnection([](HttpConnection *c) { c->socket()->abort(); });
}

void Exchange::setBackground()
{
    onConnection([id = this](HttpConnection *c) { c->markBackground(id); });
}

void Exchange::moveTo(QObject *owner)
{
    onConnection([id = this, guard = QPointer<Exchange>(this), owner](HttpConnection *c) { c->handedOver(id, guard, owner); });
    moveToThread(owner->thread());
}

void Exchange::connectionLost()
{
    const bool wasOpen = m_state != State::Done;
    m_state = State::Done;
    if (wasOpen)
        Q_EMIT closed();
    observeEnd();
    dispose();
}

} // namespace qradio::http
