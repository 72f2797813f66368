// SPDX-License-Identifier: MIT
#include "httpserver.h"

#include <QHttpServerRequest>
#include <QTcpSocket>

namespace qradio::http {

Request toRequest(const QHttpServerRequest &request, const QTcpSocket *socket)
{
    Request out;
    out.url = request.url();
    // Qt 6.4 fills a missing port with 0: the URL's authority is exactly the Host header, or the
    // address the client reached when it sent none (HTTP/1.0).
    const QByteArray host = request.value("host");
    if (!host.isEmpty())
        out.url.setAuthority(QString::fromUtf8(host));
    else if (socket)
        out.url.setAuthority((socket->localAddress().protocol() == QAbstractSocket::IPv6Protocol
                                  ? QLatin1Char('[') + socket->localAddress().toString() + QLatin1Char(']')
                                  : socket->localAddress().toString())
                             + QLatin1Char(':') + QString::number(socket->localPort()));
    out.path = out.url.path(QUrl::FullyDecoded);
    // QUrlQuery leaves '+' as is; form encoding means a space.
    QString query = out.url.query(QUrl::FullyEncoded);
    query.replace(QLatin1Char('+'), QLatin1String("%20"));
    out.query = QUrlQuery(query);
    out.headers = request.headers();
    out.body = request.body();
    out.peer = request.remoteAddress();
    return out;
}

bool HttpServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    if (auto *connection = HttpConnection::of(socket))
        connection->received(toRequest(request, socket));
    return true;
}

void HttpServer::missingHandler(const QHttpServerRequest &, QTcpSocket *)
{
    // handleRequest always takes the request.
}

} // namespace qradio::http
