// SPDX-License-Identifier: MIT
#include "frontendloader.h"

#include <QDir>
#include <QFileInfo>
#include <QLibrary>

#include <cstring>
#include <dlfcn.h>

namespace qradio::detail {

namespace {

constexpr char kModuleVariable[] = "QRADIO_DESKTOP_MODULE";

} // namespace

QStringList frontendCandidates(const QString &installed, const QString &built)
{
    if (const QString env = qEnvironmentVariable(kModuleVariable); !env.isEmpty())
        return {env};
    const QString file = QStringLiteral(QRADIO_FRONTEND_FILE);
    QStringList paths;
    if (!installed.isEmpty())
        paths << installed;
    Dl_info info{};
    if (::dladdr(reinterpret_cast<const void *>(&frontendCandidates), &info) != 0 && info.dli_fname)
        paths << QFileInfo(QString::fromLocal8Bit(info.dli_fname)).absoluteDir().filePath(QStringLiteral("qradio/") + file);
    const QString exe = QFile::symLinkTarget(QStringLiteral("/proc/self/exe"));
    if (!exe.isEmpty()) {
        paths << QDir::cleanPath(QFileInfo(exe).absolutePath() + QStringLiteral("/" QRADIO_FRONTEND_FROM_BINDIR "/") + file);
        // The portable bundle's layout (cmake/qradio-bundle.sh), whatever the configured libdir.
        paths << QDir::cleanPath(QFileInfo(exe).absolutePath() + QStringLiteral("/../lib/qradio/") + file);
    }
    if (!built.isEmpty())
        paths << built;
    paths << QStringLiteral(QRADIO_FRONTEND_BUILD_PATH);
    for (const QString &dir : QStringLiteral(QRADIO_FRONTEND_INSTALL_DIRS).split(QLatin1Char(':')))
        paths << dir + QLatin1Char('/') + file;
    paths.removeDuplicates();
    return paths;
}

LoadedFrontend loadFrontend(const QStringList &paths)
{
    LoadedFrontend result;
    for (const QString &path : paths) {
        if (!QFileInfo::exists(path)) {
            result.tried << path + QStringLiteral(": not found");
            continue;
        }
        // The window's objects live in it: never unmapped, not even by Qt's clean-up at exit.
        QLibrary library(path);
        library.setLoadHints(QLibrary::PreventUnloadHint);
        if (!library.load()) {
            result.tried << path + QStringLiteral(": ") + library.errorString();
            continue;
        }
        const auto abi = reinterpret_cast<FrontendAbiFunction>(library.resolve(kFrontendAbiSymbol));
        const auto create = reinterpret_cast<FrontendFactory>(library.resolve(kFrontendFactorySymbol));
        if (!abi || !create || std::strcmp(abi(), kFrontendAbi) != 0) {
            result.tried << path + QStringLiteral(": built for another Qradio or Qt (expected \"%1\")")
                                       .arg(QLatin1String(kFrontendAbi));
            library.unload();
            continue;
        }
        result.frontend.reset(create());
        result.path = path;
        return result;
    }
    return result;
}

QString frontendFailureMessage(const LoadedFrontend &loaded)
{
    const bool fromVariable = !qEnvironmentVariableIsEmpty(kModuleVariable);
    QString text = QStringLiteral("Cannot show the window: the desktop module " QRADIO_FRONTEND_FILE " did not load.\n");
    text += fromVariable ? QStringLiteral("Looked only where %1 points:\n").arg(QLatin1String(kModuleVariable))
                         : QStringLiteral("Looked at, in order:\n");
    for (const QString &line : loaded.tried)
        text += QStringLiteral("  ") + line + QLatin1Char('\n');
    text += QStringLiteral("Point at the module with %1=<path to " QRADIO_FRONTEND_FILE ">, or run without a window "
                           "with --headless.")
                .arg(QLatin1String(kModuleVariable));
    return text;
}

} // namespace qradio::detail
