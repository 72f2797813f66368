// SPDX-License-Identifier: MIT
#pragma once

//! \file accesslog.h
//! The request behind an access log line (ServerOptions::accessLog), for message handlers that
//! write structured logs (the launcher's `--log-format json`).

#include <QByteArray>
#include <QDateTime>
#include <QString>

namespace qradio {

//! One request as the access log (category `qradio.access`) reports it.
struct AccessRecord
{
    QDateTime time;          //!< when the response ended
    QString remoteAddress;   //!< the client's address
    QString user;            //!< the logged-in user, empty if none
    QByteArray method;
    QString target;          //!< path and query, as sent (percent-encoded)
    int httpMinor = 1;       //!< the minor version of HTTP/1.x
    QString route;           //!< the matched route's pattern, or "other"
    int status = 0;          //!< 499: the client left before the response
    qint64 bytesSent = 0;    //!< body bytes (a stream's total)
    double durationSeconds = 0;
    QByteArray referer;
    QByteArray userAgent;
};

//! While a Qt message handler runs for a `qradio.access` message, the request the message
//! describes (on the thread that logged it); null at any other time.
const AccessRecord *currentAccessRecord();

} // namespace qradio
