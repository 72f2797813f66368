// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QString>

#include <optional>

class QCommandLineOption;
class QCommandLineParser;

namespace qradio {
struct ServerOptions;
}

namespace qradio::detail {

//! `--metrics`, `--metrics-port`, `--access-log`, `--log-format`: how a running app reports.
struct ObserveConfig
{
    bool metrics = false;         //!< --metrics (env QRADIO_METRICS, read by the server)
    quint16 metricsPort = 0;      //!< --metrics-port (env QRADIO_METRICS_PORT, read by the server)
    bool accessLog = false;       //!< --access-log (env QRADIO_ACCESS_LOG, read by the server)
    bool jsonLogs = false;        //!< --log-format json, env QRADIO_LOG_FORMAT
};

//! The options, for QCommandLineParser::addOption().
QList<QCommandLineOption> observeOptions();
//! Reads them once parsed; an error sentence (exit code 1) when a value is wrong.
std::optional<QString> readObserveOptions(const QCommandLineParser &parser, ObserveConfig *config);
//! Turns on what the command line asked for (the environment may have turned on more).
void applyObserveConfig(const ObserveConfig &config, ServerOptions &options);

} // namespace qradio::detail
