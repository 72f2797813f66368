// SPDX-License-Identifier: MIT
#pragma once

#include "httpconnection.h"

#include <QAbstractHttpServer>

#include <functional>

namespace qradio::http {

//! Qt's request parser, used for parsing only: each parsed request is copied into a
//! qradio::Request and handed to its HttpConnection, which dispatches it in order.
class HttpServer : public QAbstractHttpServer
{
    Q_OBJECT
public:
    using QAbstractHttpServer::QAbstractHttpServer;

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;
};

//! Copies Qt's per-connection request (reused for the next one) into a value.
Request toRequest(const QHttpServerRequest &request, const QTcpSocket *socket);
//! The request of a head the framer admitted (method, target, headers; no body), for a request
//! Qt's parser never sees.
Request requestFromHead(QByteArrayView head, const QTcpSocket *socket);

} // namespace qradio::http
