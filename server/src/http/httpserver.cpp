// SPDX-License-Identifier: MIT
#include "httpserver.h"

#include <QHttpServerRequest>

namespace qradio::http {

Request toRequest(const QHttpServerRequest &request)
{
    Request out;
    out.url = request.url();
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
        connection->received(toRequest(request));
    return true;
}

void HttpServer::missingHandler(const QHttpServerRequest &, QTcpSocket *)
{
    // handleRequest always takes the request.
}

} // namespace qradio::http
