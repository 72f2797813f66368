// SPDX-License-Identifier: MIT
#pragma once

// The seam between the launcher (Qt Core/Network only) and the desktop window, which lives in a
// module loaded at run time so that a headless run never maps Qt WebEngine, Widgets or GL.
// Both sides are built from this one header in the same build; kFrontendAbi guards against
// picking up a module from another build.

#include <qradio/app.h>

#include <QString>
#include <QUrl>

class QCoreApplication;

namespace qradio::detail {

inline constexpr char kFrontendAbi[] = "qradio-frontend/4 Qt " QT_VERSION_STR " qradio " QRADIO_VERSION;
inline constexpr char kFrontendAbiSymbol[] = "qradio_frontend_abi";
inline constexpr char kFrontendFactorySymbol[] = "qradio_create_frontend";

//! The window to show: the app's own options as it passed them to launch() (with appId and
//! devTools settled by the launcher), and what the launcher learnt from the running server.
struct WindowSpec
{
    LaunchOptions options;
    QUrl url;                 //!< the page
    QUrl devUrl;              //!< dev mode (--dev-url): the dev server's page, loaded instead of `url`
    QUrl gradioClientUrl;     //!< the server's bundled @gradio/client
    QString fallbackTitle;    //!< the server's title, shown while the page has none
    QByteArray serverCertificate; //!< PEM of the certificate the server presents (TLS); empty: none
};

class Frontend
{
public:
    virtual ~Frontend() = default;
    //! A QApplication (set up for WebEngine). `argc` must outlive it.
    virtual QCoreApplication *createApplication(int &argc, char **argv) = 0;
    //! Single instance: false when another instance runs and has been asked to show itself.
    virtual bool claimInstance(const QString &appId) = 0;
    //! Shows the page; closing the window quits the event loop.
    virtual void showWindow(const WindowSpec &spec) = 0;
    //! Shows a readable error in place of the page; closing the window quits the event loop.
    virtual void showStartupError(const WindowSpec &spec, const QString &title, const QString &details) = 0;
    //! Destroys the window (and its WebEngine pages) while the application still exists.
    virtual void shutdown() = 0;
};

using FrontendAbiFunction = const char *(*)();
using FrontendFactory = Frontend *(*)();

} // namespace qradio::detail
