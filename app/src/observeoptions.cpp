// SPDX-License-Identifier: MIT
#include "observeoptions.h"

#include <qradio/server.h>

#include <QCommandLineParser>

namespace qradio::detail {

QList<QCommandLineOption> observeOptions()
{
    return {
        QCommandLineOption(QStringLiteral("metrics"),
                           QStringLiteral("Serve Prometheus metrics at /metrics, under the access token (env "
                                          "QRADIO_METRICS=1).")),
        QCommandLineOption(QStringLiteral("metrics-port"),
                           QStringLiteral("Also serve the metrics at /metrics on this port of 127.0.0.1, without "
                                          "the token (env QRADIO_METRICS_PORT)."),
                           QStringLiteral("port")),
        QCommandLineOption(QStringLiteral("access-log"),
                           QStringLiteral("Log one line per request (category qradio.access; env "
                                          "QRADIO_ACCESS_LOG=1).")),
        QCommandLineOption(QStringLiteral("log-format"),
                           QStringLiteral("text (default) or json: one JSON object per log line on stderr (env "
                                          "QRADIO_LOG_FORMAT)."),
                           QStringLiteral("format")),
    };
}

std::optional<QString> readObserveOptions(const QCommandLineParser &parser, ObserveConfig *config)
{
    config->metrics = parser.isSet(QStringLiteral("metrics"));
    config->accessLog = parser.isSet(QStringLiteral("access-log"));
    if (parser.isSet(QStringLiteral("metrics-port"))) {
        bool ok = false;
        const uint port = parser.value(QStringLiteral("metrics-port")).toUInt(&ok);
        if (!ok || port == 0 || port > 65535)
            return QStringLiteral("Invalid --metrics-port '%1': expected a number from 1 to 65535.")
                .arg(parser.value(QStringLiteral("metrics-port")));
        config->metricsPort = quint16(port);
    }
    const QString format = parser.isSet(QStringLiteral("log-format")) ? parser.value(QStringLiteral("log-format"))
                                                                       : qEnvironmentVariable("QRADIO_LOG_FORMAT");
    const QString f = format.trimmed().toLower();
    if (f == QLatin1String("json"))
        config->jsonLogs = true;
    else if (!f.isEmpty() && f != QLatin1String("text"))
        return QStringLiteral("Invalid log format '%1': expected text or json.").arg(format);
    return std::nullopt;
}

void applyObserveConfig(const ObserveConfig &config, ServerOptions &options)
{
    options.metrics = options.metrics || config.metrics;
    if (config.metricsPort)
        options.metricsPort = config.metricsPort;
    options.accessLog = options.accessLog || config.accessLog;
}

} // namespace qradio::detail
