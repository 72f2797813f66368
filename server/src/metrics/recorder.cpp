// SPDX-License-Identifier: MIT
#include "recorder.h"

#include "../http/exchange.h"
#include "accesslog.h"
#include "registry.h"

namespace qradio::metrics {

Recorder::Recorder(Registry *registry, bool accessLog, QStringList routes)
    : m_registry(registry), m_accessLog(accessLog), m_routes(std::move(routes))
{}

void Recorder::connectionOpened()
{
    if (m_registry)
        m_registry->connections.fetch_add(1, std::memory_order_relaxed);
}

void Recorder::connectionClosed()
{
    if (m_registry)
        m_registry->connections.fetch_sub(1, std::memory_order_relaxed);
}

void Recorder::received(qint64 bytes)
{
    if (m_registry)
        m_registry->receivedBytes.fetch_add(bytes, std::memory_order_relaxed);
}

void Recorder::sent(qint64 bytes)
{
    if (m_registry)
        m_registry->sentBytes.fetch_add(bytes, std::memory_order_relaxed);
}

void Recorder::eventStreamOpened()
{
    if (m_registry)
        m_registry->eventStreams.fetch_add(1, std::memory_order_relaxed);
}

void Recorder::finished(const http::Exchange &exchange)
{
    const double seconds = exchange.elapsed();
    const Request &request = exchange.request();
    if (m_registry) {
        if (exchange.isEventStream())
            m_registry->eventStreams.fetch_sub(1, std::memory_order_relaxed);
        m_registry->requestFinished(exchange.routeId(), request.method, exchange.status(), seconds);
    }
    if (!m_accessLog || !lcAccess().isInfoEnabled())
        return;
    AccessRecord r;
    r.time = QDateTime::currentDateTime();
    r.remoteAddress = request.peer.toString();
    if (r.remoteAddress.startsWith(u"::ffff:"))
        r.remoteAddress = r.remoteAddress.mid(7); // an IPv4 client of a dual-stack socket
    r.user = request.username;
    r.method = request.method;
    r.target = QString::fromUtf8(request.url.toEncoded(QUrl::RemoveScheme | QUrl::RemoveAuthority | QUrl::RemoveFragment));
    if (r.target.isEmpty())
        r.target = QStringLiteral("/");
    r.httpMinor = exchange.httpMinor();
    const int id = exchange.routeId();
    r.route = id >= 0 && id < m_routes.size() ? m_routes[id] : QStringLiteral("other");
    r.status = exchange.status();
    r.bytesSent = exchange.bodyBytesSent();
    r.durationSeconds = seconds;
    r.referer = request.header("referer");
    r.userAgent = request.header("user-agent");
    logAccess(r);
}

} // namespace qradio::metrics
