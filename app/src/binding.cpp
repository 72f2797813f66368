// SPDX-License-Identifier: MIT
#include "binding.h"

#include <qradio/server.h>

#include <QHostInfo>
#include <QTcpServer>

namespace qradio::detail {

namespace {

constexpr int kFallbackRange = 100;

bool portBusy(const QHostAddress &address, quint16 port)
{
    QTcpServer probe;
    if (probe.listen(address, port))
        return false;
    return probe.serverError() == QAbstractSocket::AddressInUseError;
}

QString busyMessage(const QHostAddress &address, quint16 port)
{
    return QStringLiteral("Port %1 on %2 is already in use. Stop the other program, or choose another port "
                          "with --port (0 picks a free one).")
        .arg(port)
        .arg(address.toString());
}

} // namespace

std::optional<QHostAddress> resolveHost(const QString &host, QString *error)
{
    if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0)
        return QHostAddress(QHostAddress::LocalHost);
    QString literal = host;
    if (literal.startsWith(QLatin1Char('[')) && literal.endsWith(QLatin1Char(']')))
        literal = literal.mid(1, literal.size() - 2);
    if (QHostAddress address; address.setAddress(literal))
        return address;
    const QHostInfo info = QHostInfo::fromName(host);
    if (info.error() != QHostInfo::NoError || info.addresses().isEmpty()) {
        *error = QStringLiteral("Cannot use host '%1': %2").arg(host, info.errorString());
        return std::nullopt;
    }
    return info.addresses().constFirst();
}

BindResult bindServer(Server &server, const QHostAddress &address, quint16 port, bool explicitPort)
{
    const bool fallback = !explicitPort && port != 0;
    const int last = fallback ? std::min(int(port) + kFallbackRange, 65535) : port;
    for (int p = port; p <= last; ++p) {
        // Probing first keeps the server from ever seeing a failed listen() on the common path.
        if (fallback && portBusy(address, quint16(p)))
            continue;
        if (server.listen(address, quint16(p)))
            return {true, {}};
        if (server.listenError() == Server::ListenError::Tls)
            return {false, server.errorString(), 2}; // the same on every port
        const bool busy = portBusy(address, quint16(p));
        if (fallback && busy)
            continue;   // taken between the probe and listen()
        if (busy)
            return {false, busyMessage(address, quint16(p))};
        return {false, QStringLiteral("Cannot listen on %1 port %2: %3")
                           .arg(address.toString())
                           .arg(p)
                           .arg(server.errorString())};
    }
    return {false, QStringLiteral("Ports %1 to %2 on %3 are all in use. Choose one with --port (0 picks a free one).")
                       .arg(port)
                       .arg(last)
                       .arg(address.toString())};
}

QString printableUrl(const QString &host, quint16 port, bool tls)
{
    QString h = host;
    if (h.contains(QLatin1Char(':')) && !h.startsWith(QLatin1Char('[')))
        h = QLatin1Char('[') + h + QLatin1Char(']');
    return QStringLiteral("%1://%2:%3").arg(tls ? QStringLiteral("https") : QStringLiteral("http"), h).arg(port);
}

QUrl localUrl(const QHostAddress &address, const QString &host, quint16 port, bool tls)
{
    QUrl url;
    url.setScheme(tls ? QStringLiteral("https") : QStringLiteral("http"));
    if (address == QHostAddress::Any || address == QHostAddress::AnyIPv4)
        url.setHost(QStringLiteral("127.0.0.1"));
    else if (address == QHostAddress::AnyIPv6)
        url.setHost(QStringLiteral("::1"));
    else if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0)
        url.setHost(QStringLiteral("127.0.0.1"));
    else
        url.setHost(address.toString());
    url.setPort(port);
    url.setPath(QStringLiteral("/"));
    return url;
}

} // namespace qradio::detail
