// SPDX-License-Identifier: MIT
#include "histogram.h"

#include <algorithm>
#include <cmath>

namespace qradio::metrics {

Histogram::Histogram(std::span<const double> bounds)
    : m_bounds(bounds.begin(), bounds.end()), m_buckets(new std::atomic<quint64>[bounds.size() + 1])
{
    for (size_t i = 0; i <= bounds.size(); ++i)
        m_buckets[i].store(0, std::memory_order_relaxed);
}

void Histogram::observe(double value)
{
    if (!(value >= 0)) // negative or NaN: a clock hiccup, counted as zero
        value = 0;
    const auto bucket = std::lower_bound(m_bounds.cbegin(), m_bounds.cend(), value) - m_bounds.cbegin();
    m_buckets[bucket].fetch_add(1, std::memory_order_relaxed);
    m_sumMicros.fetch_add(quint64(std::llround(value * 1e6)), std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const
{
    Snapshot s;
    s.bounds = m_bounds;
    quint64 running = 0;
    for (qsizetype i = 0; i <= m_bounds.size(); ++i) {
        running += m_buckets[i].load(std::memory_order_relaxed);
        s.cumulative.append(running);
    }
    // The count is the +Inf bucket, read once: a scrape racing an observation stays consistent.
    s.count = running;
    s.sum = double(m_sumMicros.load(std::memory_order_relaxed)) / 1e6;
    return s;
}

std::span<const double> Histogram::durationBounds()
{
    static constexpr double bounds[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                        0.5,   1,      2.5,   5,    10,    30,   60,  300};
    return bounds;
}

} // namespace qradio::metrics
