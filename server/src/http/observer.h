// SPDX-License-Identifier: MIT
#pragma once

#include <QtGlobal>

namespace qradio::http {

class Exchange;

//! What watches the traffic of a listener (metrics, the access log). Set on the listener's
//! Limits only when one of them is on: without it the connections and exchanges skip every
//! call below (one null test). Called on network threads, the route pool and the core thread
//! alike: implementations must be thread-safe and cheap.
class Observer
{
public:
    virtual ~Observer() = default;
    virtual void connectionOpened() = 0;
    virtual void connectionClosed() = 0;
    virtual void received(qint64 bytes) = 0;
    virtual void sent(qint64 bytes) = 0;
    //! A response of content type text/event-stream began; finished() follows.
    virtual void eventStreamOpened() = 0;
    //! Once per exchange: its response ended, or its client left (status 499 when before any
    //! response), on the thread that owns the exchange.
    virtual void finished(const Exchange &exchange) = 0;
};

} // namespace qradio::http
