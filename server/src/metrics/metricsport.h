// SPDX-License-Identifier: MIT
#pragma once

#include <QTcpServer>

#include <functional>

namespace qradio::metrics {

//! ServerOptions::metricsPort: the metrics on a port of their own, on 127.0.0.1 only and
//! without the access token (a scraper on the same host or a sidecar). Deliberately not the
//! project's HTTP front: one GET from a local scraper every few seconds needs none of its
//! routing, guard, pipelining or streams, and keeping it apart means nothing of the main port's
//! rules (token, hosts, login) can leak to it or be bypassed through it. Each connection gets
//! one answer and is closed; heads over 8 KB or slower than 5 s are dropped, and so are
//! connections beyond 32 at once.
class MetricsPort : public QTcpServer
{
    Q_OBJECT
public:
    //! `scrape` runs on this object's thread for each GET /metrics.
    explicit MetricsPort(std::function<QByteArray()> scrape, QObject *parent = nullptr);
    bool start(quint16 port, QString *error);

private:
    void serve(QTcpSocket *socket);
    std::function<QByteArray()> m_scrape;
    int m_open = 0; //!< connections being served (at most 32; more are dropped)
};

} // namespace qradio::metrics
