// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QList>
#include <QPair>
#include <QStringList>
#include <QUrl>

#include "observeoptions.h"

#include <chrono>
#include <optional>

namespace qradio {
struct LaunchOptions;
}

namespace qradio::detail {

//! What must be known before the application object exists: whether a window is wanted at all.
struct PreScan
{
    bool headless = false;      //!< --headless or --mcp-stdio
    bool infoOnly = false;      //!< --help or --version: no server, no window
};
PreScan preScan(int argc, char **argv);

//! A display is there to show a window on (or the platform was chosen explicitly).
bool displayAvailable(int argc, char **argv);

struct LaunchConfig
{
    QString host;
    quint16 port = 0;
    bool explicitPort = false;  //!< asked for (option or GRADIO_SERVER_PORT): no fallback
    bool headless = false;
    bool mcpStdio = false;
    std::optional<bool> mcp;    //!< unset: the app's default
    bool devTools = false;
    std::optional<QString> token; //!< --token
    bool allowWithoutToken = false; //!< --public, env QRADIO_PUBLIC
    QStringList allowedOrigins;   //!< --allow-origin, repeatable
    QStringList allowedHosts;     //!< --allowed-host, repeatable
    QList<QPair<QString, QString>> auth; //!< --auth user:password (repeatable) and --auth-file lines
    std::optional<QString> authMessage;  //!< --auth-message
    std::optional<qint64> maxFileSize;   //!< --max-file-size, env GRADIO_MAX_FILE_SIZE
    QStringList allowedPaths;            //!< --allowed-path, repeatable
    QStringList blockedPaths;            //!< --blocked-path, repeatable
    QStringList fileUrlNetworks;         //!< --file-url-network, repeatable
    std::optional<QPair<qint64, qint64>> deleteCache; //!< --delete-cache every,age (seconds)
    QString sslCertFile;                 //!< --ssl-certfile
    QString sslKeyFile;                  //!< --ssl-keyfile
    std::optional<QString> sslKeyPassword; //!< --ssl-keyfile-password, env QRADIO_SSL_KEYFILE_PASSWORD
    QUrl devUrl;                         //!< --dev-url, env QRADIO_DEV_URL: an http(s) URL with a host; empty: none
    ObserveConfig observe;               //!< --metrics, --metrics-port, --access-log, --log-format
    std::optional<std::chrono::milliseconds> drainTimeout; //!< --drain-timeout, env QRADIO_DRAIN_TIMEOUT (seconds)
    bool publicHealth = false;           //!< --public-health (env QRADIO_PUBLIC_HEALTH is read by the server)
};

//! A drain timeout in seconds ("30", "0.5"), from 0 to a day; nullopt if it is not one.
std::optional<std::chrono::milliseconds> parseDrainTimeout(const QString &text);

//! The origin ("http://localhost:5173") of a dev server URL.
QString originOf(const QUrl &url);

//! Gradio's max_file_size: bytes, or a number with b, kb, mb, gb or tb (1024-based, any case).
std::optional<qint64> parseFileSize(const QString &text);

struct ParseResult
{
    enum Action { Run, Exit } action = Run;
    int exitCode = 0;
    QString output;             //!< help/version text (stdout) or the error (stderr)
    QStringList warnings;       //!< for stderr, when running
    LaunchConfig config;
};

//! The user:password pairs of an auth file: one per line, blank lines and `#` comments
//! skipped. Nullopt and `error` set (naming the line) when a line is malformed or the file
//! cannot be read; `warning` set when others may read it.
std::optional<QList<QPair<QString, QString>>> readAuthFile(const QString &path, QString *error, QString *warning);

//! Parses the arguments (without Qt's own, which the application object has removed) and the
//! Gradio environment variables. `--webEngineArgs` and what follows are left to Qt WebEngine.
ParseResult parseCommandLine(const QStringList &arguments, const LaunchOptions &options,
                             const QString &description);

} // namespace qradio::detail
