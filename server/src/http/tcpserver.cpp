// SPDX-License-Identifier: MIT
#include "tcpserver.h"

#include <QLoggingCategory>
#include <QSslSocket>
#include <QTimer>

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

Q_DECLARE_LOGGING_CATEGORY(lcHttp)

namespace qradio::http {

TcpServer::TcpServer(const Limits &limits, int maxConnections, std::optional<QSslConfiguration> tls, QObject *parent)
    : QTcpServer(parent), m_limits(std::make_shared<const Limits>(limits)), m_maxConnections(maxConnections),
      m_tls(std::move(tls))
{}

void TcpServer::incomingConnection(qintptr descriptor)
{
    QTcpSocket *socket = nullptr;
    if (m_tls) {
        auto *ssl = new QSslSocket(this);
        if (!ssl->setSocketDescriptor(descriptor)) {
            delete ssl;
            return;
        }
        ssl->setSslConfiguration(*m_tls);
        // A failed handshake (plain HTTP, TLS 1.1, garbage) ends in abort(): the client sees
        // the close at once; Qt's reader and ours never get a byte.
        connect(ssl, &QSslSocket::errorOccurred, ssl, [ssl](QAbstractSocket::SocketError error) {
            if (error == QAbstractSocket::SslHandshakeFailedError)
                qCDebug(lcHttp) << "TLS handshake with" << ssl->peerAddress() << "failed:" << ssl->errorString();
        });
        ssl->startServerEncryption();
        socket = ssl;
    } else {
        socket = new QTcpSocket(this);
        if (!socket->setSocketDescriptor(descriptor)) {
            delete socket;
            return;
        }
    }
    if (m_connections.size() >= m_maxConnections && !makeRoom()) {
        qCWarning(lcHttp) << "connection limit reached:" << m_maxConnections
                          << "connections all carry work; refusing" << socket->peerAddress();
        const auto refuse = [socket] {
            socket->write("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: 47\r\n"
                          "Connection: close\r\nRetry-After: 1\r\n\r\n{\"detail\":\"Too many connections; retry later.\"}");
            socket->disconnectFromHost();
        };
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        if (auto *ssl = qobject_cast<QSslSocket *>(socket); ssl && !ssl->isEncrypted()) {
            // Qt 6.4 drops what is written and closed before the handshake ends: answer after it,
            // and cut a client that never finishes it.
            connect(ssl, &QSslSocket::encrypted, ssl, refuse);
            QTimer::singleShot(m_limits->headTimeout, ssl, [ssl] { ssl->abort(); });
        } else {
            refuse();
        }
        return;
    }
    auto *connection = new HttpConnection(socket, m_limits, m_home);
    m_connections.insert(connection);
    connect(connection, &QObject::destroyed, this, [this, connection] { m_connections.remove(connection); });
    if (m_http) {
        // Qt 6.4's QAbstractHttpServer finds the listener with sender(), which walks the list of
        // every object connected to it (each socket's reader): newest first, the listener last.
        // Connecting the listener again puts it first, so an accept costs the same with 10,000
        // connections open as with none.
        disconnect(this, &QTcpServer::pendingConnectionAvailable, m_http, nullptr);
        m_http->bind(this);
    }
    addPendingConnection(socket); // QAbstractHttpServer connects its reader here, synchronously
    connection->attachAfterQt();
    Q_EMIT connectionReady(connection);
}

bool TcpServer::makeRoom()
{
    // A linear scan, only at the cap: cheaper than keeping an ordered index on every request.
    HttpConnection *victim = nullptr;
    int victimRank = 0;
    qint64 victimIdle = -1;
    for (HttpConnection *connection : std::as_const(m_connections)) {
        const int rank = connection->evictionRank();
        if (rank == 0 || (victimRank != 0 && rank > victimRank))
            continue;
        const qint64 idle = connection->idleFor();
        if (rank < victimRank || victimRank == 0 || idle > victimIdle) {
            victim = connection;
            victimRank = rank;
            victimIdle = idle;
        }
    }
    if (!victim)
        return false;
    qCDebug(lcHttp) << "connection limit reached: closing a connection idle for" << victimIdle << "ms";
    m_connections.remove(victim); // its socket closes now; it no longer counts
    victim->evict();
    return true;
}

bool TcpServer::shareListener(const TcpServer &listening)
{
#ifdef Q_OS_UNIX
    // Every network thread accepts from the same listening socket: the kernel wakes them, one
    // accept() wins, the others find nothing (EAGAIN, which QTcpServer takes in its stride).
    const int fd = ::dup(int(listening.socketDescriptor()));
    if (fd < 0)
        return false;
    if (setSocketDescriptor(fd))
        return true;
    ::close(fd);
#else
    Q_UNUSED(listening);
#endif
    return false;
}

void TcpServer::attachTo(QAbstractHttpServer *http)
{
    m_http = http;
    http->bind(this);
}

qint64 TcpServer::unsentBytes() const
{
    qint64 bytes = 0;
    const auto sockets = findChildren<QTcpSocket *>(Qt::FindDirectChildrenOnly);
    for (const QTcpSocket *socket : sockets)
        bytes += socket->bytesToWrite();
    return bytes;
}

void TcpServer::closeAll()
{
    m_home->close();
    const auto sockets = findChildren<QTcpSocket *>(Qt::FindDirectChildrenOnly);
    for (QTcpSocket *socket : sockets)
        socket->abort();
}

} // namespace qradio::http
