// SPDX-License-Identifier: MIT
#include <qradio/desktop.h>

#include "apppage.h"
#include "requestinterceptor.h"
#include "statusview.h"
#include "urlpolicy.h"

#include <QCloseEvent>
#include <QContextMenuEvent>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QGuiApplication>
#include <QMenu>
#include <QPointer>
#include <QScreen>
#include <QSettings>
#include <QShortcut>
#include <QStackedWidget>
#include <QStatusBar>
#include <QWebEngineDownloadRequest>
#include <QWebEngineFullScreenRequest>
#include <QWebEngineLoadingInfo>
#include <QWebEngineNewWindowRequest>
#include <QWebEngineProfile>
#include <QWebEngineSettings>
#include <QWebEngineView>

namespace qradio {

namespace {

//! A view whose context menu offers "Inspect" and "View source" only when DevTools are enabled.
class AppView : public QWebEngineView
{
public:
    AppView(bool devTools, QWidget *parent) : QWebEngineView(parent), m_devTools(devTools) {}

protected:
    void contextMenuEvent(QContextMenuEvent *event) override
    {
        QMenu *menu = createStandardContextMenu();
        if (!m_devTools) {
            menu->removeAction(pageAction(QWebEnginePage::InspectElement));
            menu->removeAction(pageAction(QWebEnginePage::ViewSource));
        }
        if (menu->isEmpty()) {
            delete menu;
            return;
        }
        menu->setAttribute(Qt::WA_DeleteOnClose);
        menu->popup(event->globalPos());
    }

private:
    bool m_devTools;
};

QString storageName(const QString &appId)
{
    QString name;
    for (QChar c : appId)
        name += c.isLetterOrNumber() || c == QLatin1Char('-') || c == QLatin1Char('_') ? c : QLatin1Char('_');
    return name.isEmpty() ? QStringLiteral("qradio") : name;
}

} // namespace

class DesktopWindowPrivate
{
public:
    DesktopWindowPrivate(DesktopWindow *q, DesktopOptions o) : q(q), options(std::move(o)) {}

    void setUpProfile();
    void setUpWidgets();
    void connectPage();
    void onLoadFinished(bool ok);
    void updateTitle();
    void openPopup(QWebEngineNewWindowRequest &request);
    void saveDownload(QWebEngineDownloadRequest *download);
    void restoreGeometry();
    QSettings settings() const { return QSettings(QStringLiteral("qradio"), options.appId); }
    //! What the window shows: the dev server's page in dev mode, else the app's.
    QUrl pageUrl() const { return options.devUrl.isValid() ? options.devUrl : options.url; }

    DesktopWindow *q;
    DesktopOptions options;
    // Destroyed in reverse order: the profile goes before the interceptor it uses, and every page
    // is deleted (in ~DesktopWindow) before the profile.
    std::unique_ptr<detail::RequestInterceptor> interceptor;
    std::unique_ptr<QWebEngineProfile> profile;
    QStackedWidget *stack = nullptr;
    detail::StatusView *status = nullptr;
    AppView *view = nullptr;
    detail::AppPage *page = nullptr;
    QPointer<QWebEngineView> devTools;
    bool loaded = false;
    bool firstLoadReported = false;
};

void DesktopWindowPrivate::setUpProfile()
{
    interceptor = std::make_unique<detail::RequestInterceptor>(options.gradioClientUrl);
    profile = options.persistentStorage ? std::make_unique<QWebEngineProfile>(storageName(options.appId))
                                        : std::make_unique<QWebEngineProfile>();
    profile->setUrlRequestInterceptor(interceptor.get());
    profile->setSpellCheckEnabled(false);
    if (options.persistentStorage)
        profile->setPersistentCookiesPolicy(QWebEngineProfile::AllowPersistentCookies);
    QWebEngineSettings *s = profile->settings();
    s->setAttribute(QWebEngineSettings::PluginsEnabled, false);
    s->setAttribute(QWebEngineSettings::DnsPrefetchEnabled, false);
    s->setAttribute(QWebEngineSettings::LocalContentCanAccessRemoteUrls, false);
    s->setAttribute(QWebEngineSettings::FullScreenSupportEnabled, true);
    QObject::connect(profile.get(), &QWebEngineProfile::downloadRequested, q,
                     [this](QWebEngineDownloadRequest *download) { saveDownload(download); });
}

void DesktopWindowPrivate::setUpWidgets()
{
    stack = new QStackedWidget(q);
    status = new detail::StatusView(stack);
    view = new AppView(options.devTools, stack);
    page = new detail::AppPage(profile.get(), options, view);
    view->setPage(page);
    stack->addWidget(status);
    stack->addWidget(view);
    q->setCentralWidget(stack);
    status->showLoading(options.title.isEmpty() ? options.fallbackTitle : options.title);
    QObject::connect(status, &detail::StatusView::retryRequested, q, [this] {
        status->showLoading(q->windowTitle());
        page->load(pageUrl());
    });

    q->setWindowIcon(options.icon.isNull() ? QIcon(QStringLiteral(":/qradio/desktop/qradio.png")) : options.icon);
    // The status bar only appears while it has something to say (downloads).
    QObject::connect(q->statusBar(), &QStatusBar::messageChanged, q->statusBar(),
                     [bar = q->statusBar()](const QString &m) { bar->setVisible(!m.isEmpty()); });
    q->statusBar()->hide();

    // Ctrl+Q closes the window as its close button does (the app then quits). QKeySequence::Quit
    // is empty on some platforms and Ctrl+Q on others: bind each distinct key once, since two
    // shortcuts on one key would be ambiguous and neither would fire.
    QList<QKeySequence> quitKeys = QKeySequence::keyBindings(QKeySequence::Quit);
    if (!quitKeys.contains(QKeySequence(Qt::CTRL | Qt::Key_Q)))
        quitKeys.append(QKeySequence(Qt::CTRL | Qt::Key_Q));
    for (const QKeySequence &key : std::as_const(quitKeys))
        QObject::connect(new QShortcut(key, q), &QShortcut::activated, q, &QWidget::close);

    if (options.devTools) {
        for (const QKeySequence &key : {QKeySequence(Qt::Key_F12), QKeySequence(QStringLiteral("Ctrl+Shift+I"))})
            QObject::connect(new QShortcut(key, q), &QShortcut::activated, q, &DesktopWindow::openDevTools);
    }
}

void DesktopWindowPrivate::connectPage()
{
    QObject::connect(page, &QWebEnginePage::loadFinished, q, [this](bool ok) { onLoadFinished(ok); });
    QObject::connect(page, &QWebEnginePage::titleChanged, q, [this] { updateTitle(); });
    QObject::connect(page, &detail::AppPage::devToolsRequested, q, &DesktopWindow::openDevTools);
    QObject::connect(page, &detail::AppPage::popupRequested, q,
                     [this](QWebEngineNewWindowRequest &r) { openPopup(r); });
    QObject::connect(page, &QWebEnginePage::windowCloseRequested, q, &QWidget::close);
    QObject::connect(page, &QWebEnginePage::fullScreenRequested, q, [this](QWebEngineFullScreenRequest r) {
        if (!detail::isAppOrigin(r.origin(), options.url, options.devUrl)) {
            r.reject();
            return;
        }
        r.accept();
        r.toggleOn() ? q->showFullScreen() : q->showNormal();
    });
    QObject::connect(page, &QWebEnginePage::renderProcessTerminated, q,
                     [this](QWebEnginePage::RenderProcessTerminationStatus why, int code) {
        if (why == QWebEnginePage::NormalTerminationStatus)
            return;
        status->showError(DesktopWindow::tr("The page stopped working"),
                          DesktopWindow::tr("Its renderer process ended unexpectedly (exit code %1).").arg(code),
                          true);
        stack->setCurrentWidget(status);
    });
}

void DesktopWindowPrivate::onLoadFinished(bool ok)
{
    if (ok) {
        loaded = true;
        stack->setCurrentWidget(view);
        view->setFocus();
    } else if (!loaded) {
        // Only the first load replaces the page: later failures show Chromium's own error page.
        status->showError(DesktopWindow::tr("Could not open %1").arg(q->windowTitle()),
                          DesktopWindow::tr("The page %1 did not load. Is the app's server running?")
                              .arg(pageUrl().toDisplayString()),
                          true);
        stack->setCurrentWidget(status);
    }
    if (!firstLoadReported) {
        firstLoadReported = true;
        Q_EMIT q->firstLoadFinished(ok);
    }
}

void DesktopWindowPrivate::updateTitle()
{
    if (!options.title.isEmpty()) {
        q->setWindowTitle(options.title);
        return;
    }
    // Chromium reports the URL as the title of a page without <title>.
    const QString title = page ? page->title() : QString();
    const QUrl url = page ? page->url() : QUrl();
    const bool isUrl = title.isEmpty() || title == url.toString()
        || title == url.toString(QUrl::RemoveScheme).mid(2) || QUrl(title).host() == url.host();
    q->setWindowTitle(isUrl ? options.fallbackTitle : title);
}

void DesktopWindowPrivate::openPopup(QWebEngineNewWindowRequest &request)
{
    auto *popup = new AppView(options.devTools, q);
    popup->setWindowFlag(Qt::Window);
    popup->setAttribute(Qt::WA_DeleteOnClose);
    auto *popupPage = new detail::AppPage(profile.get(), options, popup);
    popup->setPage(popupPage);
    QObject::connect(popupPage, &detail::AppPage::popupRequested, q,
                     [this](QWebEngineNewWindowRequest &r) { openPopup(r); });
    QObject::connect(popupPage, &QWebEnginePage::windowCloseRequested, popup, &QWidget::close);
    QObject::connect(popupPage, &QWebEnginePage::titleChanged, popup, &QWidget::setWindowTitle);
    const QRect geometry = request.requestedGeometry();
    if (geometry.isValid())
        popup->setGeometry(geometry);
    else
        popup->resize(q->size() * 0.8);
    request.openIn(popupPage);
    popup->show();
}

void DesktopWindowPrivate::saveDownload(QWebEngineDownloadRequest *download)
{
    const QString suggested = QDir(download->downloadDirectory()).filePath(download->downloadFileName());
    const QString path = options.chooseSavePath
        ? options.chooseSavePath(suggested)
        : QFileDialog::getSaveFileName(q, DesktopWindow::tr("Save As"), suggested);
    if (path.isEmpty()) {
        download->cancel();
        return;
    }
    const QFileInfo target(path);
    download->setDownloadDirectory(target.absolutePath());
    download->setDownloadFileName(target.fileName());
    QObject::connect(download, &QWebEngineDownloadRequest::isFinishedChanged, q, [this, download] {
        const bool ok = download->state() == QWebEngineDownloadRequest::DownloadCompleted;
        q->statusBar()->showMessage(ok ? DesktopWindow::tr("Saved %1").arg(download->downloadFileName())
                                       : DesktopWindow::tr("Download of %1 failed: %2")
                                             .arg(download->downloadFileName(), download->interruptReasonString()),
                                    6000);
    });
    download->accept();
}

void DesktopWindowPrivate::restoreGeometry()
{
    if (q->restoreGeometry(settings().value(QStringLiteral("window/geometry")).toByteArray()))
        return;
    QSize size = options.defaultSize;
    if (const QScreen *screen = QGuiApplication::primaryScreen()) {
        const QRect available = screen->availableGeometry();
        size = size.boundedTo(available.size() * 0.9);
        q->resize(size);
        q->move(available.center() - QPoint(size.width() / 2, size.height() / 2));
    } else {
        q->resize(size);
    }
}

DesktopWindow::DesktopWindow(DesktopOptions options, QWidget *parent)
    : QMainWindow(parent), d(std::make_unique<DesktopWindowPrivate>(this, std::move(options)))
{
    setObjectName(QStringLiteral("qradio-window"));
    setMinimumSize(320, 240);
    d->setUpProfile();
    d->setUpWidgets();
    d->connectPage();
    d->updateTitle();
    d->restoreGeometry();
    if (d->options.url.isValid())       // none when the window only reports a failed start
        d->page->load(d->pageUrl());
}

DesktopWindow::~DesktopWindow()
{
    // Pages must go before their profile (WebEngine warns and may crash otherwise).
    const auto views = findChildren<QWebEngineView *>();
    for (QWebEngineView *v : views)
        delete v->page();
    qDeleteAll(views);
}

const DesktopOptions &DesktopWindow::options() const { return d->options; }
QWebEngineView *DesktopWindow::view() const { return d->view; }
QWebEnginePage *DesktopWindow::page() const { return d->page; }
QWebEngineProfile *DesktopWindow::profile() const { return d->profile.get(); }
bool DesktopWindow::isLoaded() const { return d->loaded; }

void DesktopWindow::showError(const QString &title, const QString &details)
{
    d->status->showError(title, details, false);
    d->stack->setCurrentWidget(d->status);
}

void DesktopWindow::bringToFront()
{
    if (isMinimized())
        showNormal();
    show();
    raise();
    activateWindow();
}

void DesktopWindow::openDevTools()
{
    if (!d->options.devTools)
        return;
    if (!d->devTools) {
        auto *tools = new QWebEngineView(this);
        tools->setWindowFlag(Qt::Window);
        tools->setWindowTitle(tr("DevTools — %1").arg(windowTitle()));
        auto *toolsPage = new QWebEnginePage(d->profile.get(), tools);
        tools->setPage(toolsPage);
        d->page->setDevToolsPage(toolsPage);
        tools->resize(size() * 0.9);
        d->devTools = tools;
    }
    d->devTools->show();
    d->devTools->raise();
    d->devTools->activateWindow();
}

void DesktopWindow::closeEvent(QCloseEvent *event)
{
    d->settings().setValue(QStringLiteral("window/geometry"), saveGeometry());
    if (d->devTools)
        d->devTools->close();
    event->accept();
    Q_EMIT closed();
}

} // namespace qradio
