// SPDX-License-Identifier: MIT
#include "addresspolicy.h"

namespace qradio::files {

using Subnet = QPair<QHostAddress, int>;

static QList<Subnet> subnets(std::initializer_list<const char *> cidrs)
{
    QList<Subnet> list;
    for (const char *cidr : cidrs)
        list.append(QHostAddress::parseSubnet(QString::fromLatin1(cidr)));
    return list;
}

static bool inAny(const QHostAddress &address, const QList<Subnet> &list)
{
    return std::any_of(list.cbegin(), list.cend(), [&](const Subnet &s) { return address.isInSubnet(s); });
}

static bool isPublicIPv4(quint32 ip)
{
    // IANA's IPv4 special-purpose registry, less the few globally reachable entries.
    static const QList<Subnet> special = subnets({
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
        "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15",
        "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
    });
    return !inAny(QHostAddress(ip), special);
}

bool isPublicAddress(const QHostAddress &address)
{
    if (address.protocol() == QAbstractSocket::IPv4Protocol)
        return isPublicIPv4(address.toIPv4Address());
    if (address.protocol() != QAbstractSocket::IPv6Protocol)
        return false;
    static const Subnet mapped = QHostAddress::parseSubnet(QStringLiteral("::ffff:0:0/96"));
    if (address.isInSubnet(mapped)) {
        const Q_IPV6ADDR a = address.toIPv6Address();
        return isPublicIPv4(quint32(a[12]) << 24 | quint32(a[13]) << 16 | quint32(a[14]) << 8 | a[15]);
    }
    static const Subnet globalUnicast = QHostAddress::parseSubnet(QStringLiteral("2000::/3"));
    static const QList<Subnet> special = subnets({"2001::/23", "2001:db8::/32", "3fff::/20"});
    if (!address.isInSubnet(globalUnicast) || inAny(address, special))
        return false;
    static const Subnet sixToFour = QHostAddress::parseSubnet(QStringLiteral("2002::/16"));
    if (address.isInSubnet(sixToFour)) { // 2002:AABB:CCDD::/48 carries AA.BB.CC.DD
        const Q_IPV6ADDR a = address.toIPv6Address();
        return isPublicIPv4(quint32(a[2]) << 24 | quint32(a[3]) << 16 | quint32(a[4]) << 8 | a[5]);
    }
    return true;
}

std::optional<AddressPolicy> AddressPolicy::parse(const QStringList &networks, QString *error)
{
    AddressPolicy policy;
    for (const QString &entry : networks) {
        QString cidr = entry.trimmed();
        if (!cidr.contains(QLatin1Char('/')))
            cidr += cidr.contains(QLatin1Char(':')) ? QLatin1String("/128") : QLatin1String("/32");
        const Subnet subnet = QHostAddress::parseSubnet(cidr);
        if (subnet.first.isNull() || entry.trimmed().isEmpty()) {
            *error = QStringLiteral("'%1' is not a network (10.0.0.0/8) or an address (192.168.1.5)").arg(entry);
            return std::nullopt;
        }
        policy.m_extra.append(subnet);
    }
    return policy;
}

bool AddressPolicy::allows(const QHostAddress &address) const
{
    return isPublicAddress(address) || inAny(address, m_extra);
}

} // namespace qradio::files
