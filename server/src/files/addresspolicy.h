// SPDX-License-Identifier: MIT
#pragma once

#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QStringList>

#include <optional>

namespace qradio::files {

//! Whether `address` is on the public internet. Not public: unspecified, loopback, private
//! (RFC 1918, IPv6 unique local), shared (100.64/10), link-local (169.254/16: cloud metadata
//! services), multicast, broadcast, documentation, benchmarking and reserved ranges, and IPv6
//! outside global unicast (2000::/3) or in its special blocks (Teredo, documentation). IPv4 carried
//! in IPv6 (mapped ::ffff:a.b.c.d, 6to4 2002::/16) is judged by its IPv4 address.
bool isPublicAddress(const QHostAddress &address);

//! Which addresses the server may contact on a client's behalf (files named by URL): public
//! ones, plus the networks an operator adds (an intranet file server).
class AddressPolicy
{
public:
    //! `networks`: "10.1.0.0/16", "fd00::/8", or single addresses ("192.168.1.5"). nullopt
    //! with `error` naming the first entry that is not one.
    static std::optional<AddressPolicy> parse(const QStringList &networks, QString *error);

    bool allows(const QHostAddress &address) const;

private:
    QList<QPair<QHostAddress, int>> m_extra;
};

} // namespace qradio::files
