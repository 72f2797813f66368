// SPDX-License-Identifier: MIT
#pragma once

#include "httpconnection.h"

#include <QSet>
#include <QTcpServer>

namespace qradio::http {

//! Accepts connections and wraps each socket in an HttpConnection before QAbstractHttpServer
//! sees it (attached to the HTTP server with bind()). At the connection cap it makes room
//! rather than lock new users out: it closes the connection idle longest among those that
//! carry no work (idle keep-alive first, then background streams); only when every open
//! connection carries work is the newcomer answered 503.
class TcpServer : public QTcpServer
{
    Q_OBJECT
public:
    TcpServer(const Limits &limits, int maxConnections, QObject *parent = nullptr);
    int openConnections() const { return int(m_connections.size()); }
    //! Closes every open connection (at shutdown).
    void closeAll();

Q_SIGNALS:
    void connectionReady(qradio::http::HttpConnection *connection);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    bool makeRoom();

    Limits m_limits;
    int m_maxConnections;
    QSet<HttpConnection *> m_connections;
};

} // namespace qradio::http
