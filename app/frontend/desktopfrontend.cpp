// SPDX-License-Identifier: MIT
// The launcher's window, built as a module the launcher loads only when it shows a window.

#include "frontend.h"

#include <qradio/app.h>
#include <qradio/desktop.h>
#include <qradio/singleinstance.h>

#include <QApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QLoggingCategory>
#include <QPointer>

#include <cstdio>
#include <memory>
#include <unistd.h>

namespace qradio::detail {

namespace {

// WindowSpec carries the app's qradio::Permissions; their bits become DesktopPermissions as they are.
static_assert(int(Permission::Camera) == int(DesktopPermission::Camera)
              && int(Permission::Microphone) == int(DesktopPermission::Microphone)
              && int(Permission::Notifications) == int(DesktopPermission::Notifications)
              && int(Permission::Geolocation) == int(DesktopPermission::Geolocation)
              && int(Permission::ScreenCapture) == int(DesktopPermission::ScreenCapture));

//! Qt WebEngine refuses to start as root with its sandbox on (containers, CI). The window only
//! ever shows the app's own origin at top level (others open in the system browser), so run
//! without the sandbox rather than not at all, and say so.
void allowRunningAsRoot()
{
    if (::geteuid() != 0 || qEnvironmentVariableIsSet("QTWEBENGINE_DISABLE_SANDBOX")
        || qEnvironmentVariable("QTWEBENGINE_CHROMIUM_FLAGS").contains(QLatin1String("--no-sandbox")))
        return;
    qputenv("QTWEBENGINE_DISABLE_SANDBOX", "1");
    std::fputs("Running as root: the Chromium sandbox of the window is disabled.\n", stderr);
}

//! Without a GPU, Mesa draws OpenGL on the CPU (llvmpipe). Qt Quick's software renderer then
//! draws the same page with ~45 MB less memory and a faster start (measured under Xvfb). Whoever
//! sets QT_QUICK_BACKEND keeps their choice.
void preferSoftwareRenderingWithoutGpu()
{
    if (qEnvironmentVariableIsSet("QT_QUICK_BACKEND") || qEnvironmentVariableIsSet("QSG_RHI_BACKEND"))
        return;
    const bool gpu = !QDir(QStringLiteral("/dev/dri")).entryList({QStringLiteral("renderD*"), QStringLiteral("card*")},
                                                                  QDir::AllEntries | QDir::System).isEmpty()
        || QFile::exists(QStringLiteral("/dev/nvidia0"));
    if (!gpu)
        qputenv("QT_QUICK_BACKEND", "software");
}

class DesktopFrontend final : public Frontend
{
public:
    QCoreApplication *createApplication(int &argc, char **argv) override
    {
        allowRunningAsRoot();
        preferSoftwareRenderingWithoutGpu();
        // WebEngine prints its whole GPU set-up at info level on every start; QT_LOGGING_RULES
        // still wins for whoever wants it.
        QLoggingCategory::setFilterRules(QStringLiteral("qt.webenginecontext.info=false"));
        QCoreApplication::setAttribute(Qt::AA_ShareOpenGLContexts);
        return new QApplication(argc, argv);
    }

    bool claimInstance(const QString &appId) override
    {
        m_instance = std::make_unique<SingleInstance>(appId);
        return m_instance->claim();
    }

    void showWindow(const WindowSpec &spec) override
    {
        createWindow(spec);
        if (qEnvironmentVariableIsSet("QRADIO_BENCH")) {
            QObject::connect(m_window, &DesktopWindow::firstLoadFinished, m_window, [](bool ok) {
                std::printf("qradio-bench: loadFinished ok=%d epoch_ms=%lld\n", int(ok),
                            static_cast<long long>(QDateTime::currentMSecsSinceEpoch()));
                std::fflush(stdout);
            });
        }
        m_window->show();
    }

    void showStartupError(const WindowSpec &spec, const QString &title, const QString &details) override
    {
        createWindow(spec);
        m_window->showError(title, details);
        m_window->show();
    }

    void shutdown() override
    {
        delete m_window;
        m_instance.reset();
    }

private:
    void createWindow(const WindowSpec &spec)
    {
        DesktopOptions o;
        o.url = spec.url;
        o.devUrl = spec.devUrl;
        o.gradioClientUrl = spec.gradioClientUrl;
        const LaunchOptions &app = spec.options;
        o.title = app.title;
        o.fallbackTitle = spec.fallbackTitle;
        if (!app.iconPath.isEmpty())
            o.icon = QIcon(app.iconPath);
        o.appId = app.appId;
        o.devTools = app.devTools;
        o.allowedPermissions = DesktopPermissions::fromInt(app.permissions.toInt());
        o.persistentStorage = app.persistentStorage;
        o.defaultSize = app.windowSize;
        o.openExternal = app.openExternal;
        if (!spec.serverCertificate.isEmpty())
            o.serverCertificate = QSslCertificate(spec.serverCertificate, QSsl::Pem);
        if (!o.icon.isNull())
            QApplication::setWindowIcon(o.icon);
        QGuiApplication::setDesktopFileName(app.appId);

        m_window = new DesktopWindow(std::move(o));
        m_window->setAttribute(Qt::WA_DeleteOnClose, false);
        QObject::connect(m_window, &DesktopWindow::closed, qApp, &QCoreApplication::quit, Qt::QueuedConnection);
        if (m_instance)
            QObject::connect(m_instance.get(), &SingleInstance::activationRequested, m_window, &DesktopWindow::bringToFront);
    }

    std::unique_ptr<SingleInstance> m_instance;
    QPointer<DesktopWindow> m_window;
};

} // namespace

} // namespace qradio::detail

extern "C" Q_DECL_EXPORT const char *qradio_frontend_abi()
{
    return qradio::detail::kFrontendAbi;
}

extern "C" Q_DECL_EXPORT qradio::detail::Frontend *qradio_create_frontend()
{
    return new qradio::detail::DesktopFrontend;
}
