// SPDX-License-Identifier: MIT
#pragma once

#include "httpconnection.h"

#include <QAbstractHttpServer>
#include <QSet>
#include <QTcpServer>

namespace qradio::http {

//! Accepts connections and wraps each socket in an HttpConnection before QAbstractHttpServer
//! sees it (attached to the HTTP server with bind()); one per network thread, all on the same
//! listening socket, each the home its connections' exchanges post back to. At the cap (its
//! share of the server's) it makes room
//! rather than lock new users out: it closes the connection idle longest among those that
//! carry no work (idle keep-alive first, then background streams); only when every open
//! connection carries work is the newcomer answered 503.
class TcpServer : public QTcpServer
{
    Q_OBJECT
public:
    TcpServer(const Limits &limits, int maxConnections, QObject *parent = nullptr);
    //! Accepts from `listening`'s socket too (another network thread's); false where the
    //! platform cannot share it.
    bool shareListener(const TcpServer &listening);
    //! Closes every open connection (at shutdown); nothing can post to this thread afterwards.
    void closeAll();
    //! Hands accepted connections to `http` (QAbstractHttpServer::bind()).
    void attachTo(QAbstractHttpServer *http);

Q_SIGNALS:
    void connectionReady(qradio::http::HttpConnection *connection);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    bool makeRoom();

    std::shared_ptr<const Limits> m_limits;
    int m_maxConnections;
    QAbstractHttpServer *m_http = nullptr;
    std::shared_ptr<Mailbox> m_home = std::make_shared<Mailbox>(this); //!< closed in closeAll()
    QSet<HttpConnection *> m_connections;
};

} // namespace qradio::http
