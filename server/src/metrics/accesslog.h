// SPDX-License-Identifier: MIT
#pragma once

#include <qradio/accesslog.h>

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcAccess)

namespace qradio::metrics {

//! The combined log format of nginx and Apache, plus the request time in seconds:
//! `127.0.0.1 - alice [01/Dec/2026:05:00:00 +0000] "GET /x HTTP/1.1" 200 12 "-" "curl/8" 0.001`.
//! Quotes, backslashes and control bytes in the quoted fields are escaped as \xHH (as nginx).
QByteArray formatAccessLine(const AccessRecord &record);
//! Logs `record` as one info line of `qradio.access`, currentAccessRecord() pointing at it.
void logAccess(const AccessRecord &record);

} // namespace qradio::metrics
