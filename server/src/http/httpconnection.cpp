// SPDX-License-Identifier: MIT
#include "httpconnection.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#endif

Q_DECLARE_LOGGING_CATEGORY(lcHttp)

namespace qradio::http {

static const char kProperty[] = "_qradio_connection";

HttpConnection::HttpConnection(QTcpSocket *socket, const Limits &limits, std::shared_ptr<Mailbox> home)
    : QObject(socket), m_socket(socket), m_limits(limits), m_framer({limits.maxHeaderSize, limits.maxBodySize}),
      m_link(std::make_shared<Link>())
{
    m_link->home = std::move(home);
    m_link->thread = thread();
    m_link->connection = this;
    m_link->maxStreamBuffer = limits.maxStreamBuffer;
    connect(socket, &QTcpSocket::bytesWritten, this, &HttpConnection::onBytesWritten);
    socket->setProperty(kProperty, QVariant::fromValue<QObject *>(this));
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    // Connected before Qt's reader (which QAbstractHttpServer adds in addPendingConnection),
    // so it sees every byte first.
    connect(socket, &QTcpSocket::readyRead, this, &HttpConnection::beforeQt);
    connect(socket, &QTcpSocket::disconnected, this, &HttpConnection::onDisconnected);
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, &HttpConnection::deadlinePassed);
    m_idleSince.start();
    rearm();
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
    if (m_rejectStatus) {
        m_socket->readAll(); // discard; Qt's parser must never see it
        return;
    }
    // Qt's parser leaves its unread bytes in the socket; m_seen of them were fed already.
    const QByteArray available = m_socket->peek(m_socket->bytesAvailable());
    if (available.size() > m_seen)
        feed(QByteArrayView(available).sliced(m_seen));
    m_seen = available.size();
    if (m_rejectStatus)
        m_socket->readAll();
}

void HttpConnection::afterQt()
{
    m_seen = m_socket->bytesAvailable();
}

void HttpConnection::feed(QByteArrayView bytes)
{
    const RequestFramer::Phase before = m_framer.phase();
    if (before == RequestFramer::Phase::Idle)
        m_phaseStart.start();
    while (!bytes.isEmpty()) {
        qsizetype used = 0;
        const RequestFramer::Event event = m_framer.feed(bytes, &used);
        bytes = bytes.sliced(used);
        if (event == RequestFramer::Event::Error) {
            reject(m_framer.errorStatus(), m_framer.errorMessage());
            return;
        }
        if (event == RequestFramer::Event::Head) {
            const RequestHead &head = m_framer.head();
            if (head.expectContinue && head.minor >= 1 && m_framer.phase() == RequestFramer::Phase::Body)
                writeRaw("HTTP/1.1 100 Continue\r\n\r\n");
            m_heads.enqueue(head);
            m_phaseStart.start(); // the body's clock
        } else if (event == RequestFramer::Event::Complete && !bytes.isEmpty()) {
            m_phaseStart.start(); // the next pipelined head's clock
        }
    }
    rearm();
}

void HttpConnection::rearm()
{
    using namespace std::chrono;
    if (m_rejectStatus)
        return; // the rejection closes the connection
    const RequestFramer::Phase phase = m_framer.phase();
    milliseconds due{-1};
    if (phase == RequestFramer::Phase::Head || (phase == RequestFramer::Phase::Idle && !m_heads.isEmpty())) {
        // A head arriving, or framed but not yet delivered by Qt's parser (should it refuse
        // what the framer took, the connection must not hang).
        due = m_limits.headTimeout - milliseconds(m_phaseStart.elapsed());
    } else if (phase == RequestFramer::Phase::Body) {
        // Each byte buys 1/minBodyRate s beyond the grace: a body trickling in slower than the
        // minimum rate runs out of time, however steadily it trickles.
        const qint64 earned = m_limits.minBodyRate > 0 ? m_framer.bodyReceived() * 1000 / m_limits.minBodyRate : 0;
        due = m_limits.bodyTimeout + milliseconds(earned) - milliseconds(m_phaseStart.elapsed());
    } else if (!m_busy && m_exchanges.isEmpty()) {
        due = m_limits.idleTimeout;
    }
    if (due < milliseconds(0) && (phase != RequestFramer::Phase::Idle || !m_heads.isEmpty()))
        due = milliseconds(0);
    if (due >= milliseconds(0))
        m_deadline.start(due);
    else
        m_deadline.stop(); // a response is in flight: its writer keeps the deadlines
}

void HttpConnection::deadlinePassed()
{
    switch (m_framer.phase()) {
    case RequestFramer::Phase::Head:
        reject(408, "Request head not received in time.");
        return;
    case RequestFramer::Phase::Body:
        reject(408, "Request body not received in time: it arrived slower than "
                        + QByteArray::number(m_limits.minBodyRate) + " bytes per second.");
        return;
    case RequestFramer::Phase::Failed:
        return;
    case RequestFramer::Phase::Idle:
        if (!m_heads.isEmpty()) {
            reject(400, "Malformed request.");
            return;
        }
        if (!m_busy && m_exchanges.isEmpty())
            m_socket->disconnectFromHost();
        return;
    }
}

void HttpConnection::reject(int status, const QByteArray &message)
{
    qCDebug(lcHttp) << "rejecting request from" << m_socket->peerAddress() << status << message;
    m_rejectStatus = status;
    m_rejectMessage = message;
    m_deadline.stop();
    m_heads.clear();
    // An earlier response still going out is finished first: the refusal must not land in it.
    if (!m_busy && m_exchanges.isEmpty())
        sendRejection();
}

void HttpConnection::sendRejection()
{
    m_busy = true; // nothing more is answered on this connection
    // The message may quote the client (a transfer coding): JSON-escape it.
    const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("detail"), QString::fromLatin1(m_rejectMessage)}})
                                .toJson(QJsonDocument::Compact);
    writeRaw("HTTP/1.1 " + QByteArray::number(m_rejectStatus) + ' ' + reasonPhrase(m_rejectStatus)
             + "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size())
             + "\r\nConnection: close\r\n\r\n" + body);
    m_socket->flush();
    // Keep reading (and discarding) briefly so the client gets the answer before the close,
    // rather than a reset for unread data.
    QTimer::singleShot(std::chrono::milliseconds(300), m_socket, [socket = m_socket] { socket->disconnectFromHost(); });
}

void HttpConnection::writeRaw(const QByteArray &bytes)
{
    m_link->unsent.fetch_add(bytes.size(), std::memory_order_relaxed);
    sendOut(bytes);
}

qint64 HttpConnection::sendOut(const QByteArray &bytes)
{
    qint64 sent = 0;
#ifdef Q_OS_UNIX
    // Straight to the kernel while Qt holds nothing back; only what the kernel does not take
    // goes through QTcpSocket. Qt 6.4 would copy every response into a 32 KiB chunk that each
    // idle keep-alive connection then keeps for good (most of its memory; Unbuffered does not
    // apply to an adopted descriptor).
    if (m_socket->bytesToWrite() == 0) {
        const ssize_t n = ::send(int(m_socket->socketDescriptor()), bytes.constData(), size_t(bytes.size()),
                                 MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            sent = n;
            m_link->unsent.fetch_sub(n, std::memory_order_relaxed);
        }
    }
#endif
    if (sent < bytes.size())
        m_socket->write(bytes.constData() + sent, bytes.size() - sent);
    return sent;
}

void HttpConnection::onBytesWritten(qint64 bytes)
{
    m_link->unsent.fetch_sub(bytes, std::memory_order_relaxed);
    if (!m_exchanges.isEmpty() && m_exchanges.head().streaming)
        reach(m_exchanges.head(), [](Exchange *e) { Q_EMIT e->written(); });
}

void HttpConnection::reach(const Slot &slot, std::function<void(Exchange *)> work)
{
    if (isLocal(slot)) {
        if (slot.guard)
            work(slot.guard);
        return;
    }
    QMetaObject::invokeMethod(slot.owner, [guard = slot.guard, work = std::move(work)] {
        if (guard)
            work(guard);
    }, Qt::QueuedConnection);
}

void HttpConnection::received(Request request)
{
    if (m_rejectStatus || m_evicted)
        return;
    const RequestHead head = m_heads.isEmpty() ? RequestHead{request.method} : m_heads.dequeue();
    request.method = head.method; // Qt 6.4 reports unknown methods as "Unknown"
    auto *exchange = new Exchange(std::move(request), head.minor, head.keepAlive, m_link);
    m_exchanges.enqueue(Slot{exchange, exchange, nullptr, head.minor});
    if (!m_busy)
        dispatchNext();
    rearm();
}

void HttpConnection::dispatchNext()
{
    if (m_exchanges.isEmpty()) {
        m_busy = false;
        if (m_rejectStatus) {
            sendRejection();
            return;
        }
        m_idleSince.start();
        rearm();
        return;
    }
    m_busy = true;
    rearm();
    Q_EMIT dispatch(m_exchanges.head().id);
}

void HttpConnection::deliver(Exchange *id, const QByteArray &bytes, bool finished, bool keepAlive)
{
    if (m_evicted || m_socket->state() != QAbstractSocket::ConnectedState)
        return;
    const qint64 direct = bytes.isEmpty() ? 0 : sendOut(bytes);
    if (m_exchanges.isEmpty() || m_exchanges.head().id != id)
        return;
    if (!finished) {
        m_exchanges.head().streaming = true;
        if (direct > 0) // taken by the kernel at once: no bytesWritten() will say so
            reach(m_exchanges.head(), [](Exchange *e) { Q_EMIT e->written(); });
        return;
    }
    exchangeFinished(id, keepAlive);
}

void HttpConnection::exchangeFinished(Exchange *id, bool keepAlive)
{
    if (m_exchanges.isEmpty() || m_exchanges.head().id != id)
        return;
    m_exchanges.dequeue();
    if (!keepAlive) {
        m_busy = true; // nothing more is answered on this connection
        m_socket->disconnectFromHost();
        return;
    }
    // Later pipelined requests are answered on the next turn, after this write is queued.
    QMetaObject::invokeMethod(this, &HttpConnection::dispatchNext, Qt::QueuedConnection);
}

void HttpConnection::markBackground(Exchange *id)
{
    for (Slot &slot : m_exchanges) {
        if (slot.id == id) {
            slot.background = true;
            m_idleSince.start();
        }
    }
}

void HttpConnection::handedOver(Exchange *id, QPointer<Exchange> guard, QObject *owner)
{
    for (Slot &slot : m_exchanges) {
        if (slot.id == id) {
            slot.guard = std::move(guard);
            slot.owner = owner;
        }
    }
}

int HttpConnection::evictionRank() const
{
    if (m_rejectStatus || m_evicted || m_framer.phase() != RequestFramer::Phase::Idle || !m_heads.isEmpty())
        return 0;
    if (m_exchanges.isEmpty())
        return m_busy ? 0 : 1;
    if (m_exchanges.size() == 1 && m_exchanges.head().background)
        return 2;
    return 0;
}

void HttpConnection::evict()
{
    // A background stream is ended here, in order with what it wrote; what its writer sends
    // after this is dropped.
    if (!m_exchanges.isEmpty() && m_exchanges.head().streaming && m_exchanges.head().minor >= 1)
        writeRaw("0\r\n\r\n");
    m_evicted = true;
    m_busy = true;
    m_deadline.stop();
    m_socket->disconnectFromHost();
}

void HttpConnection::onDisconnected()
{
    m_deadline.stop();
    m_link->open.store(false, std::memory_order_relaxed);
    const QQueue<Slot> exchanges = std::exchange(m_exchanges, {});
    for (const Slot &slot : exchanges)
        reach(slot, [](Exchange *e) { e->connectionLost(); });
}

} // namespace qradio::http
