// SPDX-License-Identifier: MIT
#pragma once

#include "exchange.h"

#include <QQueue>
#include <QTimer>

#include <chrono>

namespace qradio::http {

struct Limits
{
    qint64 maxBodySize;
    qint64 maxHeaderSize;
    std::chrono::milliseconds idleTimeout;
    qint64 maxStreamBuffer;
};

//! Per-socket state, on the network thread. It reads the byte stream *before* Qt's request
//! parser does (Qt 6.4 has no limits, no 100-continue, no idle timeout, ignores
//! `Connection: close` and interleaves pipelined replies), so that it can:
//!  - answer 431 when the request line and headers pass maxHeaderSize, and 413 from
//!    Content-Length before a body byte is buffered; reject chunked request bodies (411);
//!  - answer `Expect: 100-continue`;
//!  - close idle keep-alive connections, and connections that asked for close;
//!  - hand requests to the router one at a time, in order (pipelining).
class HttpConnection : public QObject
{
    Q_OBJECT
public:
    HttpConnection(QTcpSocket *socket, const Limits &limits);
    static HttpConnection *of(QTcpSocket *socket);

    //! Called after Qt attached its own reader: installs the reader that runs after Qt's.
    void attachAfterQt();
    //! A request Qt parsed: queued, then dispatched when every earlier one is answered.
    void received(Request request);
    QTcpSocket *socket() const { return m_socket; }
    const Limits &limits() const { return m_limits; }

Q_SIGNALS:
    void dispatch(qradio::http::Exchange *exchange);

private:
    friend class Exchange;
    struct Head
    {
        QByteArray method;
        int minor = 1;
        bool keepAlive = true;
    };
    void beforeQt();
    void afterQt();
    void feed(QByteArrayView bytes);
    bool parseHead();
    void reject(int status, const QByteArray &message);
    void exchangeFinished(Exchange *exchange);
    void dispatchNext();
    void armIdle();
    void onDisconnected();

    QTcpSocket *m_socket;
    Limits m_limits;
    enum class Phase { Head, Body, Rejected } m_phase = Phase::Head;
    QByteArray m_head;
    qint64 m_bodyLeft = 0;
    qint64 m_seen = 0; //!< bytes at the front of the socket buffer already fed
    QQueue<Head> m_heads;
    QQueue<QPointer<Exchange>> m_exchanges;
    bool m_busy = false;
    QTimer m_idle;
};

} // namespace qradio::http
