// SPDX-License-Identifier: MIT
#pragma once

#include <QHostAddress>
#include <QString>
#include <QUrl>

#include <optional>

namespace qradio {
class Server;
}

namespace qradio::detail {

//! An IP literal, "localhost", or a name resolved through the system resolver.
std::optional<QHostAddress> resolveHost(const QString &host, QString *error);

struct BindResult
{
    bool ok = false;
    QString error;              //!< for stderr and the error window
    int exitCode = 1;           //!< 2: refused by policy (no access token on a public address) or
                                //!< the TLS certificate or key cannot be used
};

//! Listens on `port`; when it is busy and was not asked for explicitly, tries the next ones up
//! to `port + 100`. Port 0 picks any free port.
BindResult bindServer(Server &server, const QHostAddress &address, quint16 port, bool explicitPort);

//! `http://<host>:<port>` (`https://` with `tls`) with the host as the user gave it (IPv6
//! literals bracketed).
QString printableUrl(const QString &host, quint16 port, bool tls = false);

//! Where a local client (the window) reaches the server: a wildcard address becomes loopback.
QUrl localUrl(const QHostAddress &address, const QString &host, quint16 port, bool tls = false);

} // namespace qradio::detail
