// SPDX-License-Identifier: MIT
#include "guard.h"

#include <QHostAddress>
#include <QUrl>

namespace qradio::mcp {

static QString bare(QString host)
{
    host = host.toLower();
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    return host;
}

bool isLocalName(const QString &host)
{
    const QString h = bare(host);
    if (h == QLatin1String("localhost") || h.endsWith(QLatin1String(".localhost")))
        return true;
    const QHostAddress address(h);
    return !address.isNull() && address.isLoopback();
}

static bool isAddress(const QString &host)
{
    return !QHostAddress(bare(host)).isNull();
}

//! Host and port of a Host header ("example.com:7860", "[::1]:7860").
static QUrl hostUrl(const QByteArray &header)
{
    return QUrl(QStringLiteral("http://") + QString::fromLatin1(header));
}

Guard::Guard(QStringList allowedHosts, QStringList allowedOrigins, const QString &rootPath)
{
    for (const QString &h : std::as_const(allowedHosts)) {
        if (h == QLatin1String("*"))
            m_anyHost = true;
        m_hosts.append(bare(h));
    }
    for (QString o : std::as_const(allowedOrigins)) {
        if (o == QLatin1String("*"))
            m_anyOrigin = true;
        while (o.endsWith(QLatin1Char('/')))
            o.chop(1);
        m_origins.append(o.toLower());
    }
    // A deployment behind a proxy names its public URL in root_path: that host is ours.
    const QUrl root(rootPath);
    if (root.isValid() && !root.host().isEmpty()) {
        m_hosts.append(bare(root.host()));
        m_origins.append(root.adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment).toString().toLower());
    }
}

QString Guard::check(const Request &request) const
{
    const QUrl host = hostUrl(request.header("host"));
    const QString hostName = bare(host.host());
    const bool fromHere = request.peer.isLoopback() || request.peer.isEqual(QHostAddress::LocalHost);
    if (!m_anyHost && fromHere && !hostName.isEmpty() && !isLocalName(hostName) && !isAddress(hostName)
        && !m_hosts.contains(hostName))
        return QStringLiteral("Invalid Host header: %1").arg(QString::fromLatin1(request.header("host")));

    if (!request.hasHeader("origin") || m_anyOrigin)
        return {};
    const QString originText = QString::fromLatin1(request.header("origin")).toLower();
    const QUrl origin(originText);
    const QString originHost = bare(origin.host());
    if (originHost.isEmpty()) // "null": a sandboxed or file:// page
        return QStringLiteral("Invalid Origin header: %1").arg(originText);
    if (isLocalName(originHost) || m_origins.contains(originText))
        return {};
    // The server's own pages (same host and port as the request).
    if (originHost == hostName && origin.port(origin.scheme() == QLatin1String("https") ? 443 : 80) == host.port(80))
        return {};
    return QStringLiteral("Invalid Origin header: %1").arg(originText);
}

} // namespace qradio::mcp
