// SPDX-License-Identifier: MIT
#pragma once

#include "httpconnection.h"

#include <QAbstractHttpServer>
#include <QSet>
#include <QSslConfiguration>
#include <QTcpServer>

#include <optional>

namespace qradio::http {

//! Accepts connections and wraps each socket in an HttpConnection before QAbstractHttpServer
//! sees it (attached to the HTTP server with bind()); one per network thread, all on the same
//! listening socket, each the home its connections' exchanges post back to. At the cap (its
//! share of the server's) it makes room
//! rather than lock new users out: it closes the connection idle longest among those that
//! carry no work (idle keep-alive first, then background streams); only when every open
//! connection carries work is the newcomer answered 503.
//!
//! With TLS it wraps each accepted descriptor in a QSslSocket and starts the server handshake
//! at once. Qt 6.4's QSslServer does the same, but it owns incomingConnection(), which is where
//! this class counts connections, makes room and puts its reader before Qt's; so this stays a
//! QTcpServer. Qt's parser is none the wiser: a QSslSocket reads as plain bytes once decrypted,
//! and the connection keeps the handshake's deadline (HttpConnection).
class TcpServer : public QTcpServer
{
    Q_OBJECT
public:
    //! `tls`: serve HTTPS with this configuration; none: plain HTTP.
    TcpServer(const Limits &limits, int maxConnections, std::optional<QSslConfiguration> tls,
              QObject *parent = nullptr);
    //! Accepts from `listening`'s socket too (another network thread's); false where the
    //! platform cannot share it.
    bool shareListener(const TcpServer &listening);
    //! Closes every open connection (at shutdown); nothing can post to this thread afterwards.
    void closeAll();
    //! Bytes the open connections hold that the kernel has not taken yet.
    qint64 unsentBytes() const;
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
    std::optional<QSslConfiguration> m_tls;
    QAbstractHttpServer *m_http = nullptr;
    std::shared_ptr<Mailbox> m_home = std::make_shared<Mailbox>(this); //!< closed in closeAll()
    QSet<HttpConnection *> m_connections;
};

} // namespace qradio::http
