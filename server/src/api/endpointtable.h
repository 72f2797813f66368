// SPDX-License-Identifier: MIT
#pragma once

#include <qradio/endpoint.h>

#include <QList>

#include <memory>

namespace qradio {

//! The endpoints as registered (an endpoint's id is its index), read-only once the server
//! listens, so any thread may read it.
class EndpointTable
{
public:
    EndpointTable() = default;
    explicit EndpointTable(QList<std::shared_ptr<const EndpointSpec>> endpoints) : m_endpoints(std::move(endpoints)) {}

    const QList<std::shared_ptr<const EndpointSpec>> &all() const { return m_endpoints; }
    std::shared_ptr<const EndpointSpec> byId(int id) const
    {
        return id >= 0 && id < m_endpoints.size() ? m_endpoints.at(id) : nullptr;
    }
    std::shared_ptr<const EndpointSpec> byName(const QString &name) const
    {
        for (const auto &e : m_endpoints)
            if (e->name == name)
                return e;
        return nullptr;
    }

private:
    QList<std::shared_ptr<const EndpointSpec>> m_endpoints;
};

} // namespace qradio
