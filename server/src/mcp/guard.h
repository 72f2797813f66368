// SPDX-License-Identifier: MIT
#pragma once

#include <qradio/http.h>

#include <QStringList>

namespace qradio::mcp {

//! DNS-rebinding protection for every MCP route (MCP transports spec: servers MUST validate
//! Origin). A request from this machine must name it by a local name or an IP address in its
//! Host header (a rebound domain names the attacker's), unless the name is allowed; an Origin
//! header, when present, must be local, the server's own, or allowed.
class Guard
{
public:
    Guard(QStringList allowedHosts, QStringList allowedOrigins, const QString &rootPath);
    //! Empty when the request may proceed, else why not.
    QString check(const Request &request) const;

private:
    QStringList m_hosts;   //!< lower case
    QStringList m_origins; //!< lower case, without a trailing slash
    bool m_anyHost = false;
    bool m_anyOrigin = false;
};

//! localhost, *.localhost, and loopback addresses.
bool isLocalName(const QString &host);

} // namespace qradio::mcp
