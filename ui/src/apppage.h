// SPDX-License-Identifier: MIT
#pragma once

#include <qradio/desktop.h>

#include <QWebEngineCertificateError>
#include <QWebEnginePage>

namespace qradio::detail {

//! A page that keeps the app's origin inside the window and sends every other one to the system:
//! main-frame navigations and new windows to other origins go to `openExternal`, permission
//! requests are answered from the allowed set, and DevTools actions need `devTools`.
class AppPage : public QWebEnginePage
{
    Q_OBJECT
public:
    AppPage(QWebEngineProfile *profile, const DesktopOptions &options, QObject *parent);

    void triggerAction(WebAction action, bool checked = false) override;

Q_SIGNALS:
    void devToolsRequested();
    //! A same-origin window.open / target=_blank: the window decides where to show it.
    void popupRequested(QWebEngineNewWindowRequest &request);

protected:
    bool acceptNavigationRequest(const QUrl &url, NavigationType type, bool isMainFrame) override;

private:
    bool isAppUrl(const QUrl &url) const;
    void openOutside(const QUrl &url);
    void answerPermission(const QUrl &origin, Feature feature);
    void handleNewWindow(QWebEngineNewWindowRequest &request);
    void handleCertificateError(const QWebEngineCertificateError &error);

    const DesktopOptions &m_options;
};

} // namespace qradio::detail
