// SPDX-License-Identifier: MIT
#pragma once

#include "httpconnection.h"

#include <QTcpServer>

namespace qradio::http {

//! Accepts connections and wraps each socket in an HttpConnection before QAbstractHttpServer
//! sees it (attached to the HTTP server with bind()). Caps the number of open connections.
class TcpServer : public QTcpServer
{
    Q_OBJECT
public:
    TcpServer(const Limits &limits, int maxConnections, QObject *parent = nullptr);
    int openConnections() const { return m_open; }
    //! Closes every open connection (at shutdown).
    void closeAll();

Q_SIGNALS:
    void connectionReady(qradio::http::HttpConnection *connection);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    Limits m_limits;
    int m_maxConnections;
    int m_open = 0;
};

} // namespace qradio::http
