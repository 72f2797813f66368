// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QStringList>

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
    QStringList allowedOrigins;   //!< --allow-origin, repeatable
    QStringList allowedHosts;     //!< --allowed-host, repeatable
};

struct ParseResult
{
    enum Action { Run, Exit } action = Run;
    int exitCode = 0;
    QString output;             //!< help/version text (stdout) or the error (stderr)
    LaunchConfig config;
};

//! Parses the arguments (without Qt's own, which the application object has removed) and the
//! Gradio environment variables. `--webEngineArgs` and what follows are left to Qt WebEngine.
ParseResult parseCommandLine(const QStringList &arguments, const LaunchOptions &options,
                             const QString &description);

} // namespace qradio::detail
