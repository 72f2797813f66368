// SPDX-License-Identifier: MIT
#pragma once

#include "../http/observer.h"

#include <QStringList>

namespace qradio::metrics {

class Registry;

//! The listener's http::Observer: counts into the registry (if metrics are on) and writes the
//! access log line (if it is on, and `qradio.access` info is enabled) of each exchange.
class Recorder : public http::Observer
{
public:
    //! `registry` may be null; `routes` are the route labels by id (Router::numberRoutes()).
    Recorder(Registry *registry, bool accessLog, QStringList routes);

    void connectionOpened() override;
    void connectionClosed() override;
    void received(qint64 bytes) override;
    void sent(qint64 bytes) override;
    void eventStreamOpened() override;
    void finished(const http::Exchange &exchange) override;

private:
    Registry *m_registry;
    bool m_accessLog;
    QStringList m_routes;
};

} // namespace qradio::metrics
