// SPDX-License-Identifier: MIT
#pragma once

#include "histogram.h"

#include <QByteArray>
#include <QList>
#include <QPair>

namespace qradio::metrics {

//! Writes Prometheus's text exposition format 0.0.4: each family once, HELP and TYPE first, then
//! its samples. Label values are escaped (backslash, quote, newline).
class Exposition
{
public:
    using Labels = QList<QPair<QByteArray, QByteArray>>;
    static constexpr char kContentType[] = "text/plain; version=0.0.4; charset=utf-8";

    //! Starts a family; `type` is counter, gauge or histogram.
    void family(const QByteArray &name, const QByteArray &help, const QByteArray &type);
    void sample(const QByteArray &name, const Labels &labels, double value);
    //! The `_bucket`, `_sum` and `_count` samples of a histogram family.
    void histogram(const QByteArray &name, const Labels &labels, const Histogram::Snapshot &snapshot);
    //! Process metrics of the Prometheus client libraries (resident memory, CPU, file
    //! descriptors, start time), read from /proc on Linux; nothing elsewhere.
    void processMetrics();

    const QByteArray &text() const { return m_text; }

private:
    void line(const QByteArray &name, const Labels &labels, const QByteArray &value);
    QByteArray m_text;
};

} // namespace qradio::metrics
