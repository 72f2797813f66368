// SPDX-License-Identifier: MIT
#pragma once

#include <QList>

#include <atomic>
#include <memory>
#include <span>

namespace qradio::metrics {

//! A Prometheus histogram with fixed bucket bounds, safe to observe from any thread: one relaxed
//! atomic add per bucket hit plus the count and sum (no lock). Buckets are stored per bucket and
//! made cumulative when read, so an observation touches three counters only.
class Histogram
{
public:
    //! Bounds in increasing order (the +Inf bucket is implicit).
    explicit Histogram(std::span<const double> bounds);
    void observe(double value);

    struct Snapshot
    {
        QList<double> bounds;
        QList<quint64> cumulative; //!< one per bound, then +Inf (== count)
        quint64 count = 0;
        double sum = 0;
    };
    Snapshot snapshot() const;

    //! Request and job durations, in seconds (Prometheus client defaults, widened to 5 min).
    static std::span<const double> durationBounds();

private:
    QList<double> m_bounds;
    std::unique_ptr<std::atomic<quint64>[]> m_buckets; //!< bounds.size() + 1 (the last: above every bound)
    std::atomic<quint64> m_sumMicros{0}; //!< sum in millionths: atomic adds without a CAS loop
};

} // namespace qradio::metrics
