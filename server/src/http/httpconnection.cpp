// SPDX-License-Identifier: MIT
#include "httpconnection.h"

#include "httpserver.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QSslSocket>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#endif

Q_DECLARE_LOGGING_CATEGORY(lcHttp)

namespace qradio::http {

static const char kProperty[] = "_qradio_connection";

HttpConnection::HttpConnection(QTcpSocket *socket, std::shared_ptr<const Limits> limits, std::shared_ptr<Mailbox> home)
    : QObject(socket), m_socket(socket), m_limits(std::move(limits)),
      m_framer({m_limits->maxHeaderSize, std::max(m_limits->maxBodySize, m_limits->maxStreamedBodySize)}),
      m_link(std::make_shared<Link>())
{
    m_link->home = std::move(home);
    m_link->thread = thread();
    m_link->connection = this;
    m_link->maxStreamBuffer = m_limits->maxStreamBuffer;
    m_link->observer = m_limits->observer;
    if (m_link->observer)
        m_link->observer->connectionOpened();
    connect(socket, &QTcpSocket::bytesWritten, this, &HttpConnection::onBytesWritten);
    socket->setProperty(kProperty, QVariant::fromValue<QObject *>(this));
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    // Connected before Qt's reader (which QAbstractHttpServer adds in addPendingConnection),
    // so it sees every byte first.
    connect(socket, &QTcpSocket::readyRead, this, &HttpConnection::beforeQt);
    connect(socket, &QTcpSocket::disconnected, this, &HttpConnection::onDisconnected);
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, &HttpConnection::deadlinePassed);
    if (auto *ssl = qobject_cast<QSslSocket *>(socket)) {
        m_tls = true;
        m_handshaking = !ssl->isEncrypted();
        m_phaseStart.start(); // the handshake's clock
        connect(ssl, &QSslSocket::encrypted, this, [this] {
            m_handshaking = false;
            m_idleSince.start();
            rearm();
        });
    }
    m_idleSince.start();
    rearm();
}

HttpConnection::~HttpConnection()
{
    if (m_link->observer)
        m_link->observer->connectionClosed();
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
    if (m_streamed) {
        if (m_link->observer)
            m_link->observer->received(m_socket->bytesAvailable());
        takeStreamedBody();
        if (m_streamed || m_rejectStatus)
            return;
    }
    // Qt's parser takes one request per readyRead and leaves the rest in the socket (it emits
    // readyRead again for them); m_seen of those bytes were fed already.
    const QByteArray available = m_socket->peek(m_socket->bytesAvailable());
    if (m_link->observer && available.size() > m_seen)
        m_link->observer->received(available.size() - m_seen);
    if (available.size() > m_seen)
        m_seen = feed(available, m_seen);
    if (m_rejectStatus)
        m_socket->readAll();
}

void HttpConnection::afterQt()
{
    m_seen = m_socket->bytesAvailable();
}

qsizetype HttpConnection::feed(const QByteArray &available, qsizetype from)
{
    qsizetype pos = from;
    qsizetype headStart = -1; // where the head being framed began, if in these bytes
    while (pos < available.size()) {
        const RequestFramer::Phase before = m_framer.phase();
        if (before == RequestFramer::Phase::Idle) {
            m_phaseStart.start(); // the next head's clock
            headStart = pos;
        }
        qsizetype used = 0;
        const RequestFramer::Event event = m_framer.feed(QByteArrayView(available).sliced(pos), &used);
        pos += used;
        if (event == RequestFramer::Event::Error) {
            reject(m_framer.errorStatus(), m_framer.errorMessage());
            return pos;
        }
        if (event == RequestFramer::Event::Head) {
            const RequestHead &head = m_framer.head();
            const bool hasBody = head.chunked || head.contentLength > 0;
            if (hasBody && headStart >= 0 && m_limits->streamsBody && head.method != "GET" && head.method != "HEAD") {
                if (divert(available, headStart, pos)) {
                    if (m_streamed)
                        return 0; // the rest of the body is still coming
                    // The body came whole: frame what followed it before Qt's parser reads it
                    // (once; a second upload behind it is not diverted, the first is still
                    // being answered).
                    const QByteArray rest = m_socket->peek(m_socket->bytesAvailable());
                    return rest.isEmpty() ? 0 : feed(rest, 0);
                }
                if (m_rejectStatus)
                    return pos;
            }
            if (!m_framer.limitBody(m_limits->maxBodySize)) {
                reject(m_framer.errorStatus(), m_framer.errorMessage());
                return pos;
            }
            if (head.expectContinue && head.minor >= 1 && m_framer.phase() == RequestFramer::Phase::Body)
                writeRaw("HTTP/1.1 100 Continue\r\n\r\n");
            m_heads.enqueue(head);
            m_phaseStart.start(); // the body's clock
        }
    }
    rearm();
    return pos;
}

bool HttpConnection::divert(const QByteArray &available, qsizetype headStart, qsizetype headEnd)
{
    const QByteArrayView headBytes = QByteArrayView(available).sliced(headStart, headEnd - headStart);
    const RequestHead head = m_framer.head();
    const qsizetype lineEnd = headBytes.indexOf('\n');
    const QList<QByteArray> line = headBytes.first(std::max<qsizetype>(lineEnd, 0)).toByteArray().trimmed().split(' ');
    const QString path = QUrl::fromEncoded(line.value(1)).path(QUrl::FullyDecoded);
    if (!m_limits->streamsBody(head.method, path))
        return false;
    // Qt's parser must never see this request: it is taken out of the socket here, so it must
    // be the first thing there, with nothing earlier being answered, and Qt must not have read
    // a byte of it (it reads what came with each readyRead after us: the head must have come
    // whole in one). Otherwise (pipelined, or a head in pieces) the request goes the usual way,
    // read whole by Qt within maxBodySize, and the route takes it from request().body.
    if (headStart != 0 || m_busy || !m_exchanges.isEmpty() || !m_heads.isEmpty())
        return false;
    if (head.chunked) {
        reject(411, "An upload needs a Content-Length.");
        return false;
    }
    if (!m_framer.limitBody(m_limits->maxStreamedBodySize)) {
        reject(m_framer.errorStatus(), m_framer.errorMessage());
        return false;
    }
    Request request = requestFromHead(headBytes, m_socket);
    request.method = head.method;
    takeFromSocket(headEnd); // the head: Qt's parser never sees it
    m_seen = 0;
    if (head.expectContinue && head.minor >= 1)
        writeRaw("HTTP/1.1 100 Continue\r\n\r\n");
    m_phaseStart.start(); // the body's clock
    m_streamed = std::make_shared<RequestBody>(head.contentLength);
    auto *exchange = new Exchange(std::move(request), head.minor, head.keepAlive, m_link);
    exchange->setBody(m_streamed);
    m_exchanges.enqueue(Slot{exchange, exchange, nullptr, head.minor});
    dispatchNext(); // the guard and the route run now, before a byte of the body is taken
    takeStreamedBody();
    return true;
}

QByteArray HttpConnection::takeFromSocket(qint64 size)
{
    // Qt's reader keeps a transaction open on the socket between its reads, and a transaction
    // keeps every byte read in it: a streamed body would stay in memory whole. Qt has read
    // nothing of this request (it is the first in the socket), so ending it loses nothing.
    if (m_socket->isTransactionStarted())
        m_socket->commitTransaction();
    return m_socket->read(size);
}

void HttpConnection::takeStreamedBody()
{
    static constexpr qint64 kPiece = 256 * 1024;
    while (m_streamed && m_socket->bytesAvailable() > 0) {
        const qint64 left = m_streamed->length() - m_streamed->received();
        const QByteArray piece = takeFromSocket(std::min({left, kPiece, m_socket->bytesAvailable()}));
        qsizetype used = 0;
        m_framer.feed(piece, &used); // keeps the body's deadline; consumes exactly the body
        const std::shared_ptr<RequestBody> body = m_streamed; // the reader may answer, and end this
        if (body->received() + piece.size() == body->length())
            m_streamed.reset(); // the request is over; bytes after it are for Qt's parser
        body->append(piece);
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
    if (m_handshaking) {
        m_deadline.start(std::max(milliseconds(0), m_limits->headTimeout - milliseconds(m_phaseStart.elapsed())));
        return;
    }
    if (phase == RequestFramer::Phase::Head || (phase == RequestFramer::Phase::Idle && !m_heads.isEmpty())) {
        // A head arriving, or framed but not yet delivered by Qt's parser (should it refuse
        // what the framer took, the connection must not hang).
        due = m_limits->headTimeout - milliseconds(m_phaseStart.elapsed());
    } else if (phase == RequestFramer::Phase::Body) {
        // Each byte buys 1/minBodyRate s beyond the grace: a body trickling in slower than the
        // minimum rate runs out of time, however steadily it trickles.
        const qint64 earned = m_limits->minBodyRate > 0 ? m_framer.bodyReceived() * 1000 / m_limits->minBodyRate : 0;
        due = m_limits->bodyTimeout + milliseconds(earned) - milliseconds(m_phaseStart.elapsed());
    } else if (!m_busy && m_exchanges.isEmpty()) {
        due = m_limits->idleTimeout;
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
    if (m_handshaking) {
        // Nothing to answer: no HTTP can be spoken before the handshake.
        qCDebug(lcHttp) << "TLS handshake with" << m_socket->peerAddress() << "not finished in time";
        m_socket->abort();
        return;
    }
    switch (m_framer.phase()) {
    case RequestFramer::Phase::Head:
        reject(408, "Request head not received in time.");
        return;
    case RequestFramer::Phase::Body: {
        const QByteArray message = "Request body not received in time: it arrived slower than "
            + QByteArray::number(m_limits->minBodyRate) + " bytes per second.";
        if (m_streamed) {
            // Its route is reading it: the route answers (after undoing what it did), and the
            // rest of the stream is dropped until the connection closes.
            m_rejectStatus = 408;
            m_deadline.stop();
            m_streamed->fail(408, message);
            return;
        }
        reject(408, message);
        return;
    }
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
    // Never over TLS: the bytes must go through the encryption.
    if (!m_tls && m_socket->bytesToWrite() == 0) {
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
        if (m_streamed) {
            // Answered before its body came (a refusal): the rest is read and dropped for a
            // moment, so that the client gets the answer rather than a reset for unread data.
            QTimer::singleShot(std::chrono::milliseconds(300), m_socket, [socket = m_socket] { socket->disconnectFromHost(); });
            return;
        }
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
    if (m_handshaking)
        m_socket->abort(); // a TLS close would wait for the handshake
    else
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
