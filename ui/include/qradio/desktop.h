// SPDX-License-Identifier: MIT
#pragma once

//! \file desktop.h
//! qradio::DesktopWindow — the app's own page from the in-process server, in a native window
//! that behaves like a desktop app: other origins open in the system browser, downloads ask
//! where to save, permissions are denied unless allowed, and nothing is fetched from the internet
//! behind the user's back (the `@gradio/client` CDN import is answered from the bundled copy).
//!
//! qradio::launch() builds this window for you; use it directly only for a custom window.
//! \code
//! qradio::DesktopOptions o;
//! o.url = QUrl("http://127.0.0.1:7860/");
//! o.gradioClientUrl = QUrl("http://127.0.0.1:7860/gradio_api/client.js");
//! auto *w = new qradio::DesktopWindow(o);
//! w->show();
//! \endcode

#include <QFlags>
#include <QIcon>
#include <QMainWindow>
#include <QSize>
#include <QSslCertificate>
#include <QUrl>

#include <functional>
#include <memory>

class QWebEnginePage;
class QWebEngineProfile;
class QWebEngineView;

namespace qradio {

//! What a page may be granted when it asks; everything else is denied.
enum class DesktopPermission {
    Camera = 0x1,
    Microphone = 0x2,
    Notifications = 0x4,
    Geolocation = 0x8,
    ScreenCapture = 0x10,
};
Q_DECLARE_FLAGS(DesktopPermissions, DesktopPermission)

struct DesktopOptions
{
    //! The page to show. Its origin (scheme, host, port) is the app: everything else is outside.
    QUrl url;
    //! Dev mode: the page loaded instead of `url`, from a dev server with hot reload (Vite's
    //! http://localhost:5173). Its origin counts as the app's, as `url`'s does: it stays in the
    //! window and may be granted permissions. Empty: `url`.
    QUrl devUrl;
    //! Where the bundled `@gradio/client` module is served (the server's /gradio_api/client.js).
    //! Imports of the CDN copies (jsDelivr, unpkg, esm.sh) are redirected there. Empty: no redirect.
    QUrl gradioClientUrl;
    //! Fixed window title. Empty: the page's `<title>`, or `fallbackTitle` while it has none.
    QString title;
    QString fallbackTitle = QStringLiteral("Qradio");
    QIcon icon;
    //! Names the app's settings (window geometry) and its persistent storage.
    QString appId = QStringLiteral("qradio");
    //! F12 and "Inspect" open Chromium's DevTools.
    bool devTools = false;
    DesktopPermissions allowedPermissions;
    //! Keep cookies, localStorage and cache on disk between runs (under the app's data folder).
    //! Off: an off-the-record profile that leaves nothing behind.
    bool persistentStorage = false;
    //! Size of the first window, before one has been remembered.
    QSize defaultSize{1024, 768};
    //! Opens a URL of another origin outside the window. Default: QDesktopServices::openUrl.
    std::function<bool(const QUrl &)> openExternal;
    //! The certificate the app's own server presents over HTTPS (qradio::Server::certificate()),
    //! typically self-signed. Pages of `url`'s origin (scheme, host and port) that present
    //! exactly this certificate load despite its errors (unknown issuer, name, expiry); any other
    //! certificate error, and this certificate on any other origin, is refused. Null: none.
    QSslCertificate serverCertificate = QSslCertificate(); // so that `DesktopOptions o = {}` compiles
    //! Asks where to save a download; returns the full path or an empty string to cancel.
    //! Default: a save dialog.
    std::function<QString(const QString &suggestedPath)> chooseSavePath;
};

class DesktopWindowPrivate;

//! The main window. Closing it emits closed(); the window saves its geometry on close.
class DesktopWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit DesktopWindow(DesktopOptions options, QWidget *parent = nullptr);
    ~DesktopWindow() override;

    const DesktopOptions &options() const;
    QWebEngineView *view() const;
    QWebEnginePage *page() const;
    QWebEngineProfile *profile() const;
    //! True once the first load of the page has finished successfully.
    bool isLoaded() const;

public Q_SLOTS:
    //! Replaces the page with a readable error (e.g. the server could not start).
    void showError(const QString &title, const QString &details);
    //! Un-minimizes, raises and focuses the window (a second launch of a single-instance app).
    void bringToFront();
    //! Opens DevTools if they are enabled.
    void openDevTools();

Q_SIGNALS:
    //! The first load of the page ended; `ok` false when it failed.
    void firstLoadFinished(bool ok);
    void closed();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    std::unique_ptr<DesktopWindowPrivate> d;
};

} // namespace qradio

Q_DECLARE_OPERATORS_FOR_FLAGS(qradio::DesktopPermissions)
