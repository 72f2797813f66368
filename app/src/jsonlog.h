// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QtGlobal>

namespace qradio::detail {

//! One log message as a line of JSON (`--log-format json`): time (UTC, milliseconds), level
//! (debug, info, warning, critical, fatal), category, message; an access log message also
//! carries remote_addr, user, method, path, protocol, status, bytes_sent, duration_s, referer,
//! user_agent and route. Ends with a newline.
QByteArray jsonLogLine(QtMsgType type, const QMessageLogContext &context, const QString &message);
//! Installs a message handler writing jsonLogLine() to stderr, one write per line.
void installJsonLogHandler();

} // namespace qradio::detail
