// SPDX-License-Identifier: MIT
#include "httpconnection.h"

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcHttp)

namespace qradio::http {

static const char kProperty[] = "_qradio_connection";

HttpConnection::HttpConnection(QTcpSocket *socket, const Limits &limits)
    : QObject(socket), m_socket(socket), m_limits(limits)
{
    socket->setProperty(kProperty, QVariant::fromValue<QObject *>(this));
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    // Connected before Qt's reader (which QAbstractHttpServer adds in addPendingConnection),
    // so it sees every byte first.
    connect(socket, &QTcpSocket::readyRead, this, &HttpConnection::beforeQt);
    connect(socket, &QTcpSocket::disconnected, this, &HttpConnection::onDisconnected);
    m_idle.setSingleShot(true);
    m_idle.setInterval(limits.idleTimeout);
    connect(&m_idle, &QTimer::timeout, this, [this] {
        if (!m_busy && m_exchanges.isEmpty())
            m_socket->disconnectFromHost();
    });
    m_idle.start();
}

HttpConnection *HttpConnection::of(QTcpSocket *socket)
{
    return qobject_cast<HttpConnection *>(socket->property(kProperty).value<QObject *>());
}

void HttpConnection::attachAfterQt()
{
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::afterQt);
}

void HttpConnection::beforeQt()
{
    if (m_phase == Phase::Rejected) {
        m_socket->readAll(); // discard; Qt's parser must never see it
        return;
    }
    // Qt's parser leaves its unread bytes in the socket; m_seen of them were fed already.
    const QByteArray available = m_socket->peek(m_socket->bytesAvailable());
    if (available.size() > m_seen)
        feed(QByteArrayView(available).sliced(m_seen));
    m_seen = available.size();
    if (m_phase == Phase::Rejected)
        m_socket->readAll();
}

void HttpConnection::afterQt()
{
    m_seen = m_socket->bytesAvailable();
}

void HttpConnection::feed(QByteArrayView bytes)
{
    while (!bytes.isEmpty() && m_phase != Phase::Rejected) {
        if (m_phase == Phase::Body) {
            const qint64 n = std::min<qint64>(m_bodyLeft, bytes.size());
            m_bodyLeft -= n;
            bytes = bytes.sliced(n);
            if (m_bodyLeft == 0)
                m_phase = Phase::Head;
            else
                m_idle.start(); // a body still arriving is activity
            continue;
        }
        // Like Qt's parser, skip whitespace left over before a request line.
        if (m_head.isEmpty()) {
            while (!bytes.isEmpty() && (bytes.front() == '\r' || bytes.front() == '\n' || bytes.front() == ' '
                                        || bytes.front() == '\t' || bytes.front() == '\v'))
                bytes = bytes.sliced(1);
            if (bytes.isEmpty())
                break;
        }
        // Find the end of the header block (CRLFCRLF, LFLF or mixed, as Qt accepts them).
        const qsizetype searchFrom = std::max<qsizetype>(0, m_head.size() - 3);
        m_head.append(bytes.data(), bytes.size());
        qsizetype end = -1;
        for (qsizetype i = std::max<qsizetype>(searchFrom, 1); i < m_head.size(); ++i) {
            if (m_head[i] != '\n')
                continue;
            if (m_head[i - 1] == '\n') {
                end = i + 1;
                break;
            }
            if (i >= 2 && m_head[i - 1] == '\r' && m_head[i - 2] == '\n') {
                end = i + 1;
                break;
            }
        }
        if (end < 0) {
            if (m_head.size() > m_limits.maxHeaderSize)
                reject(431, "Request header fields too large.");
            return;
        }
        if (end > m_limits.maxHeaderSize) {
            reject(431, "Request header fields too large.");
            return;
        }
        const qsizetype consumedFromBytes = end - (m_head.size() - bytes.size());
        m_head.truncate(end);
        bytes = bytes.sliced(consumedFromBytes);
        if (!parseHead())
            return;
        m_head.clear();
    }
}

bool HttpConnection::parseHead()
{
    const QList<QByteArray> lines = m_head.split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    if (requestLine.size() != 3 || !requestLine[2].startsWith("HTTP/1.")) {
        reject(400, "Malformed request line.");
        return false;
    }
    Head head;
    head.method = requestLine[0];
    head.minor = requestLine[2].endsWith(".0") ? 0 : 1;
    qint64 contentLength = 0;
    bool chunked = false;
    bool expectContinue = false;
    QByteArray connection;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray &line = lines[i];
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name == "content-length") {
            bool ok = false;
            contentLength = value.toLongLong(&ok);
            if (!ok || contentLength < 0) {
                reject(400, "Invalid Content-Length.");
                return false;
            }
        } else if (name == "transfer-encoding") {
            chunked = !value.isEmpty() && value.toLower() != "identity";
        } else if (name == "expect") {
            expectContinue = value.toLower() == "100-continue";
        } else if (name == "connection") {
            connection = value.toLower();
        }
    }
    if (chunked) {
        reject(411, "Chunked request bodies are not supported; send a Content-Length.");
        return false;
    }
    if (contentLength > m_limits.maxBodySize) {
        reject(413, "Request body too large: " + QByteArray::number(contentLength) + " bytes, the limit is "
                        + QByteArray::number(m_limits.maxBodySize) + ".");
        return false;
    }
    head.keepAlive = head.minor >= 1 ? !connection.contains("close") : connection.contains("keep-alive");
    if (expectContinue && head.minor >= 1 && contentLength > 0)
        m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    m_heads.enqueue(head);
    m_idle.stop();
    if (contentLength > 0) {
        m_phase = Phase::Body;
        m_bodyLeft = contentLength;
    }
    return true;
}

void HttpConnection::reject(int status, const QByteArray &message)
{
    qCInfo(lcHttp) << "rejecting request from" << m_socket->peerAddress() << status << message;
    m_phase = Phase::Rejected;
    const QByteArray body = "{\"detail\":\"" + message + "\"}";
    m_socket->write("HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status)
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size())
                    + "\r\nConnection: close\r\n\r\n" + body);
    m_socket->flush();
    // Keep reading (and discarding) briefly so the client gets the answer before the close,
    // rather than a reset for unread data.
    QTimer::singleShot(std::chrono::milliseconds(300), m_socket, [socket = m_socket] { socket->disconnectFromHost(); });
}

void HttpConnection::received(Request request)
{
    const Head head = m_heads.isEmpty() ? Head{request.method, 1, true} : m_heads.dequeue();
    if (!head.method.isEmpty())
        request.method = head.method; // Qt 6.4 reports unknown methods as "Unknown"
    auto *exchange = new Exchange(std::move(request), head.minor, head.keepAlive, this);
    m_exchanges.enqueue(exchange);
    if (!m_busy)
        dispatchNext();
}

void HttpConnection::dispatchNext()
{
    while (!m_exchanges.isEmpty() && !m_exchanges.head())
        m_exchanges.dequeue();
    if (m_exchanges.isEmpty()) {
        m_busy = false;
        armIdle();
        return;
    }
    m_busy = true;
    Q_EMIT dispatch(m_exchanges.head());
}

void HttpConnection::exchangeFinished(Exchange *exchange)
{
    if (m_exchanges.isEmpty() || m_exchanges.head() != exchange)
        return;
    m_exchanges.dequeue();
    exchange->deleteLater();
    if (!exchange->m_keepAlive) {
        m_busy = true; // nothing more is answered on this connection
        m_socket->disconnectFromHost();
        return;
    }
    // Later pipelined requests are answered on the next turn, after this write is queued.
    QMetaObject::invokeMethod(this, &HttpConnection::dispatchNext, Qt::QueuedConnection);
}

void HttpConnection::armIdle()
{
    if (m_phase == Phase::Head && m_head.isEmpty())
        m_idle.start();
}

void HttpConnection::onDisconnected()
{
    m_idle.stop();
    const auto exchanges = m_exchanges;
    m_exchanges.clear();
    for (const auto &exchange : exchanges)
        if (exchange)
            exchange->connectionLost();
}

} // namespace qradio::http
