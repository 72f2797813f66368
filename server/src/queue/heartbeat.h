// SPDX-License-Identifier: MIT
#pragma once

#include "../routes.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>

namespace qradio::queue {

//! The heartbeat streams (GET /gradio_api/heartbeat/<session>) and the timer that feeds them
//! `ALIVE` frames every heartbeatInterval. A stream ends when the server stops, or once it has
//! been open heartbeatStreamTimeout while its session has no events pending (the Python client
//! opens a new one by itself); at the connection cap it yields to new clients. Lives on the
//! core thread.
class Heartbeats : public QObject
{
public:
    explicit Heartbeats(const RouteContext &context);
    //! Takes over the exchange: a stream head and the first frame go out at once (the Python
    //! client reads it with a 20 s timeout).
    void hold(http::Exchange *exchange, const QString &session);

private:
    struct Stream
    {
        QPointer<http::Exchange> exchange;
        QString session;
        QElapsedTimer open;
    };
    void beat();
    void endAll();

    RouteContext m_context;
    QList<Stream> m_streams;
    QTimer m_timer;
};

} // namespace qradio::queue
