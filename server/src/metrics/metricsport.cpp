// SPDX-License-Identifier: MIT
#include "metricsport.h"

#include "exposition.h"

#include <QTcpSocket>
#include <QTimer>

namespace qradio::metrics {

static constexpr qint64 kMaxHead = 8192;
static constexpr int kMaxConnections = 32; //!< a scraper needs one at a time

MetricsPort::MetricsPort(std::function<QByteArray()> scrape, QObject *parent)
    : QTcpServer(parent), m_scrape(std::move(scrape))
{
    connect(this, &QTcpServer::pendingConnectionAvailable, this, [this] {
        while (QTcpSocket *socket = nextPendingConnection()) {
            if (++m_open > kMaxConnections) {
                --m_open;
                socket->abort();
                socket->deleteLater();
                continue;
            }
            connect(socket, &QObject::destroyed, this, [this] { --m_open; });
            serve(socket);
        }
    });
}

bool MetricsPort::start(quint16 port, QString *error)
{
    if (listen(QHostAddress::LocalHost, port))
        return true;
    *error = QStringLiteral("The metrics port %1 on 127.0.0.1: %2").arg(port).arg(errorString());
    return false;
}

static QByteArray answer(int status, const QByteArray &reason, const QByteArray &type, const QByteArray &body)
{
    return "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason + "\r\nContent-Type: " + type
        + "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

void MetricsPort::serve(QTcpSocket *socket)
{
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    QTimer::singleShot(5000, socket, [socket] { socket->abort(); });
    connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
        const QByteArray head = socket->peek(kMaxHead + 1);
        const qsizetype end = head.indexOf("\r\n\r\n");
        if (end < 0) {
            if (head.size() > kMaxHead)
                socket->abort();
            return;
        }
        socket->readAll();
        disconnect(socket, &QTcpSocket::readyRead, nullptr, nullptr); // one answer per connection
        const QList<QByteArray> line = head.left(head.indexOf("\r\n")).split(' ');
        const QByteArray path = line.size() == 3 ? line[1].split('?').front() : QByteArray();
        const bool get = line.value(0) == "GET" || line.value(0) == "HEAD";
        QByteArray reply;
        if (line.size() != 3 || !line[2].startsWith("HTTP/1."))
            reply = answer(400, "Bad Request", "text/plain; charset=utf-8", "Bad Request\n");
        else if (path != "/metrics")
            reply = answer(404, "Not Found", "text/plain; charset=utf-8", "Not Found\n");
        else if (!get)
            reply = answer(405, "Method Not Allowed", "text/plain; charset=utf-8", "Method Not Allowed\n");
        else
            reply = answer(200, "OK", Exposition::kContentType, m_scrape());
        if (line.value(0) == "HEAD")
            reply.truncate(reply.indexOf("\r\n\r\n") + 4);
        socket->write(reply);
        socket->disconnectFromHost();
    });
}

} // namespace qradio::metrics
