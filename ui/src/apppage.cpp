// SPDX-License-Identifier: MIT
#include "apppage.h"

#include "urlpolicy.h"

#include <QDesktopServices>
#include <QLoggingCategory>
#include <QWebEngineNewWindowRequest>

Q_LOGGING_CATEGORY(lcPage, "qradio.desktop.page", QtInfoMsg)

namespace qradio::detail {

AppPage::AppPage(QWebEngineProfile *profile, const DesktopOptions &options, QObject *parent)
    : QWebEnginePage(profile, parent), m_options(options)
{
    connect(this, &QWebEnginePage::featurePermissionRequested, this, &AppPage::answerPermission);
    connect(this, &QWebEnginePage::newWindowRequested, this, &AppPage::handleNewWindow);
    connect(this, &QWebEnginePage::certificateError, this, &AppPage::handleCertificateError);
}

void AppPage::handleCertificateError(const QWebEngineCertificateError &error)
{
    QWebEngineCertificateError answer = error; // shares the request; the signal hands out a const one
    if (answer.isOverridable() && trustsOwnCertificate(answer.url(), answer.certificateChain(), m_options.url,
                                                       m_options.serverCertificate)) {
        qCDebug(lcPage) << "trusting the app's own certificate for" << answer.url().toDisplayString() << "despite"
                        << answer.type();
        answer.acceptCertificate();
        return;
    }
    qCWarning(lcPage) << "refused" << answer.url().toDisplayString() << ":" << answer.description();
    answer.rejectCertificate();
}

bool AppPage::isAppUrl(const QUrl &url) const
{
    return isAppOrigin(url, m_options.url, m_options.devUrl);
}

bool AppPage::acceptNavigationRequest(const QUrl &url, NavigationType type, bool isMainFrame)
{
    // Frames are content of the app's page; a frame navigating the whole window arrives here
    // again as a main-frame request.
    if (!isMainFrame || isAppUrl(url))
        return true;
    const QString scheme = url.scheme();
    if (scheme == QLatin1String("about") || scheme == QLatin1String("data"))
        return true;    // setHtml() and blank pages; Chromium itself blocks page-initiated data: tops
    if (scheme == QLatin1String("view-source"))
        return m_options.devTools;
    // A form posting elsewhere would lose its body in a browser; everything else is a link the
    // user (or the page on their behalf) wants to follow.
    if (type != NavigationTypeFormSubmitted && type != NavigationTypeBackForward && type != NavigationTypeReload)
        openOutside(url);
    else
        qCInfo(lcPage) << "blocked navigation of the window to" << url.toDisplayString();
    return false;
}

void AppPage::handleNewWindow(QWebEngineNewWindowRequest &request)
{
    const QUrl url = request.requestedUrl();
    const bool viewSource = url.scheme() == QLatin1String("view-source");
    if (isAppUrl(url) || url.isEmpty() || url.scheme() == QLatin1String("about") || (viewSource && m_options.devTools))
        Q_EMIT popupRequested(request);
    else if (!viewSource)
        openOutside(url);
    // An unhandled request opens nothing: createWindow() is not overridden.
}

void AppPage::openOutside(const QUrl &url)
{
    if (!isExternallyOpenable(url)) {
        qCInfo(lcPage) << "not opening" << url.toDisplayString() << "(scheme not allowed)";
        return;
    }
    const bool opened = m_options.openExternal ? m_options.openExternal(url) : QDesktopServices::openUrl(url);
    if (!opened)
        qCWarning(lcPage) << "could not open" << url.toDisplayString() << "in the system browser";
}

void AppPage::triggerAction(WebAction action, bool checked)
{
    if (action == InspectElement || action == ViewSource) {
        if (!m_options.devTools)
            return;
        if (action == InspectElement)
            Q_EMIT devToolsRequested();     // the inspector needs its page before it can inspect
    }
    QWebEnginePage::triggerAction(action, checked);
}

void AppPage::answerPermission(const QUrl &origin, Feature feature)
{
    const DesktopPermissions allowed = m_options.allowedPermissions;
    bool grant = false;
    switch (feature) {
    case Notifications: grant = allowed.testFlag(DesktopPermission::Notifications); break;
    case Geolocation: grant = allowed.testFlag(DesktopPermission::Geolocation); break;
    case MediaAudioCapture: grant = allowed.testFlag(DesktopPermission::Microphone); break;
    case MediaVideoCapture: grant = allowed.testFlag(DesktopPermission::Camera); break;
    case MediaAudioVideoCapture:
        grant = allowed.testFlag(DesktopPermission::Camera) && allowed.testFlag(DesktopPermission::Microphone);
        break;
    case DesktopVideoCapture:
    case DesktopAudioVideoCapture: grant = allowed.testFlag(DesktopPermission::ScreenCapture); break;
    case MouseLock: grant = true; break;    // harmless: Esc releases it
    }
    grant = grant && isAppUrl(origin);
    qCInfo(lcPage) << (grant ? "granted" : "denied") << feature << "to" << origin.toDisplayString();
    setFeaturePermission(origin, feature, grant ? PermissionGrantedByUser : PermissionDeniedByUser);
}

} // namespace qradio::detail
