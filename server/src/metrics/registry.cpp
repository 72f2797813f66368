// SPDX-License-Identifier: MIT
#include "registry.h"

#include "exposition.h"



namespace qradio::metrics {

static constexpr const char *kMethodNames[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "other"};

static int methodIndex(QByteArrayView method)
{
    for (int i = 0; i < 7; ++i)
        if (method == kMethodNames[i])
            return i;
    return 7;
}

Registry::Registry() : m_queueWait(Histogram::durationBounds()) {}

void Registry::setRoutes(QStringList routes)
{
    routes.append(QStringLiteral("other"));
    for (const QString &label : std::as_const(routes)) {
        auto route = std::make_unique<Route>();
        route->label = label.toUtf8();
        for (auto &cell : route->cells)
            cell.store(nullptr, std::memory_order_relaxed);
        route->duration = std::make_unique<Histogram>(Histogram::durationBounds());
        m_routes.push_back(std::move(route));
    }
}

Registry::~Registry()
{
    for (const auto &route : m_routes)
        for (auto &cell : route->cells)
            delete cell.load(std::memory_order_acquire);
}

void Registry::requestFinished(int route, QByteArrayView method, int status, double seconds)
{
    if (route < 0 || route >= int(m_routes.size()))
        route = otherRoute();
    Route &r = *m_routes[size_t(route)];
    std::atomic<Cell *> &slot = r.cells[methodIndex(method)];
    Cell *cell = slot.load(std::memory_order_acquire);
    if (!cell) {
        auto *fresh = new Cell;
        for (auto &count : fresh->counts)
            count.store(0, std::memory_order_relaxed);
        if (slot.compare_exchange_strong(cell, fresh, std::memory_order_acq_rel))
            cell = fresh;
        else
            delete fresh; // another thread won; `cell` holds its array
    }
    cell->counts[std::clamp(status, 100, 599) - 100].fetch_add(1, std::memory_order_relaxed);
    r.duration->observe(seconds);
}

void Registry::jobStarted(double seconds)
{
    m_queueWait.observe(seconds);
}

void Registry::jobFinished(const QString &endpoint, const char *outcome, double seconds)
{
    auto &histogram = m_jobs[{endpoint, QByteArray(outcome)}];
    if (!histogram)
        histogram = std::make_unique<Histogram>(Histogram::durationBounds());
    histogram->observe(seconds);
}

void Registry::addCollector(std::function<void(Exposition &)> collector)
{
    m_collectors.push_back(std::move(collector));
}

QByteArray Registry::scrape() const
{
    Exposition e;
    e.family("qradio_build_info", "Qradio's version; always 1.", "gauge");
    e.sample("qradio_build_info", {{"version", QByteArrayLiteral(QRADIO_VERSION_STRING)}}, 1);

    e.family("qradio_http_requests_total", "HTTP requests answered, by method, route pattern and status.", "counter");
    for (const auto &route : m_routes) {
        for (int m = 0; m < kMethods; ++m) {
            const Cell *cell = route->cells[m].load(std::memory_order_acquire);
            if (!cell)
                continue;
            for (int s = 0; s < kStatuses; ++s) {
                if (const quint64 n = cell->counts[s].load(std::memory_order_relaxed))
                    e.sample("qradio_http_requests_total",
                             {{"method", kMethodNames[m]}, {"route", route->label}, {"status", QByteArray::number(s + 100)}},
                             double(n));
            }
        }
    }
    e.family("qradio_http_request_duration_seconds",
             "Time from a request's arrival to the end of its response (streams included), by route pattern.",
             "histogram");
    for (const auto &route : m_routes) {
        const Histogram::Snapshot s = route->duration->snapshot();
        if (s.count)
            e.histogram("qradio_http_request_duration_seconds", {{"route", route->label}}, s);
    }
    e.family("qradio_http_received_bytes_total", "Bytes received from HTTP clients (heads and bodies).", "counter");
    e.sample("qradio_http_received_bytes_total", {}, double(receivedBytes.load(std::memory_order_relaxed)));
    e.family("qradio_http_sent_bytes_total", "Bytes sent to HTTP clients (heads and bodies).", "counter");
    e.sample("qradio_http_sent_bytes_total", {}, double(sentBytes.load(std::memory_order_relaxed)));
    e.family("qradio_http_connections", "Open HTTP connections.", "gauge");
    e.sample("qradio_http_connections", {}, double(connections.load(std::memory_order_relaxed)));
    e.family("qradio_sse_streams", "Open server-sent event streams (queue, heartbeat, MCP).", "gauge");
    e.sample("qradio_sse_streams", {}, double(eventStreams.load(std::memory_order_relaxed)));

    e.family("qradio_queue_wait_seconds", "Time calls waited in the queue, from join to start.", "histogram");
    e.histogram("qradio_queue_wait_seconds", {}, m_queueWait.snapshot());
    e.family("qradio_job_duration_seconds", "Run time of calls, by endpoint and outcome (success, error, cancelled).",
             "histogram");
    for (const auto &[key, histogram] : m_jobs)
        e.histogram("qradio_job_duration_seconds", {{"endpoint", key.first.toUtf8()}, {"outcome", key.second}},
                    histogram->snapshot());
    e.family("qradio_jobs_total", "Calls that ended, by endpoint and outcome.", "counter");
    for (const auto &[key, histogram] : m_jobs)
        e.sample("qradio_jobs_total", {{"endpoint", key.first.toUtf8()}, {"outcome", key.second}},
                 double(histogram->snapshot().count));
    for (const auto &collector : m_collectors)
        collector(e);
    e.processMetrics();
    return e.text();
}

} // namespace qradio::metrics
