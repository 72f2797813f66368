// SPDX-License-Identifier: MIT
#include "tcpserver.h"

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcHttp)

namespace qradio::http {

TcpServer::TcpServer(const Limits &limits, int maxConnections, QObject *parent)
    : QTcpServer(parent), m_limits(limits), m_maxConnections(maxConnections)
{}

void TcpServer::incomingConnection(qintptr descriptor)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    if (m_open >= m_maxConnections) {
        qCWarning(lcHttp) << "connection limit reached:" << m_maxConnections << "; refusing" << socket->peerAddress();
        socket->write("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        socket->disconnectFromHost();
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        return;
    }
    ++m_open;
    connect(socket, &QObject::destroyed, this, [this] { --m_open; });
    auto *connection = new HttpConnection(socket, m_limits);
    addPendingConnection(socket); // QAbstractHttpServer connects its reader here, synchronously
    connection->attachAfterQt();
    Q_EMIT connectionReady(connection);
}

void TcpServer::closeAll()
{
    const auto sockets = findChildren<QTcpSocket *>(Qt::FindDirectChildrenOnly);
    for (QTcpSocket *socket : sockets)
        socket->abort();
}

} // namespace qradio::http
