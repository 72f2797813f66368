// SPDX-License-Identifier: MIT
#include "httpserver.h"

#include <QHttpServerRequest>
#include <QSslSocket>

namespace qradio::http {

//! Fills what follows from the URL and the headers.
static void complete(Request &out, const QTcpSocket *socket)
{
    // Qt 6.4 fills a missing port with 0: the URL's authority is exactly the Host header, or the
    // address the client reached when it sent none (HTTP/1.0).
    // The scheme the client used: /config's root and redirects name it.
    out.url.setScheme(qobject_cast<const QSslSocket *>(socket) ? QStringLiteral("https") : QStringLiteral("http"));
    const QByteArray host = out.header("host");
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
}

Request toRequest(const QHttpServerRequest &request, const QTcpSocket *socket)
{
    Request out;
    out.url = request.url();
    out.headers = request.headers();
    complete(out, socket);
    out.body = request.body();
    out.peer = request.remoteAddress();
    return out;
}

Request requestFromHead(QByteArrayView head, const QTcpSocket *socket)
{
    Request out;
    // The framer checked the grammar: a request line, then `name: value` lines.
    const QList<QByteArray> lines = head.toByteArray().split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    out.method = requestLine.value(0);
    out.url = QUrl::fromEncoded(requestLine.value(1));
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            out.headers.append({line.left(colon), line.mid(colon + 1).trimmed()});
    }
    complete(out, socket);
    if (socket)
        out.peer = socket->peerAddress();
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
