// SPDX-License-Identifier: MIT
#pragma once

#include "histogram.h"

#include <QByteArray>
#include <QStringList>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <vector>

namespace qradio::metrics {

class Exposition;

//! The server's metrics (ServerOptions::metrics, metricsPort). Counted where things happen:
//!  - HTTP requests, bytes and connections from any network or pool thread, with relaxed atomics
//!    only (the per-route status counters are allocated on a route's first use, lock-free);
//!  - queue and MCP figures on the core thread, which is also where scrape() runs, so they need
//!    no synchronisation at all; gauges of the queue are read from it at scrape time.
//! Label values are bounded: a route label is a route's pattern or "other", an endpoint label
//! a registered endpoint name, a group label a concurrency group.
class Registry
{
public:
    Registry();
    //! `routes`: the label of each route id (Router::numberRoutes()); "other" is added. Once,
    //! before any request is counted.
    void setRoutes(QStringList routes);
    ~Registry();

    //! The route id of requests that matched no route.
    int otherRoute() const { return int(m_routes.size()) - 1; }
    //! Any thread.
    void requestFinished(int route, QByteArrayView method, int status, double seconds);
    std::atomic<qint64> receivedBytes{0};
    std::atomic<qint64> sentBytes{0};
    std::atomic<qint64> connections{0};
    std::atomic<qint64> eventStreams{0};

    //! Core thread: a call went from join to start after `seconds`.
    void jobStarted(double seconds);
    //! Core thread: a call of `endpoint` ended after running `seconds`; `outcome` is success,
    //! error or cancelled.
    void jobFinished(const QString &endpoint, const char *outcome, double seconds);
    //! Core thread: adds families computed at scrape time (queue gauges, MCP sessions).
    void addCollector(std::function<void(Exposition &)> collector);

    //! The whole exposition; on the core thread.
    QByteArray scrape() const;

private:
    static constexpr int kMethods = 8;
    static constexpr int kStatuses = 500; //!< 100..599
    struct Cell
    {
        std::atomic<quint64> counts[kStatuses];
    };
    struct Route
    {
        QByteArray label;
        std::atomic<Cell *> cells[kMethods];
        std::unique_ptr<Histogram> duration;
    };
    std::vector<std::unique_ptr<Route>> m_routes;
    Histogram m_queueWait;
    std::map<std::pair<QString, QByteArray>, std::unique_ptr<Histogram>> m_jobs;
    std::vector<std::function<void(Exposition &)>> m_collectors;
};

} // namespace qradio::metrics
