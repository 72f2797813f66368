// SPDX-License-Identifier: MIT
#include "frontendloader.h"

#include <QDir>
#include <QFileInfo>
#include <QLibrary>

#include <cstring>
#include <dlfcn.h>

namespace qradio::detail {

namespace {

QStringList candidates(const QString &installed, const QString &built)
{
    const QString file = QStringLiteral(QRADIO_FRONTEND_FILE);
    QStringList paths;
    if (const QString env = qEnvironmentVariable("QRADIO_DESKTOP_MODULE"); !env.isEmpty())
        paths << env;
    if (!installed.isEmpty())
        paths << installed;
    Dl_info info{};
    if (::dladdr(reinterpret_cast<const void *>(&loadFrontend), &info) != 0 && info.dli_fname)
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

} // namespace

LoadedFrontend loadFrontend(const QString &installed, const QString &built)
{
    LoadedFrontend result;
    for (const QString &path : candidates(installed, built)) {
        if (!QFileInfo::exists(path))
            continue;
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
            result.tried << path + QStringLiteral(": built for another Qradio or Qt");
            library.unload();
            continue;
        }
        result.frontend.reset(create());
        result.path = path;
        return result;
    }
    if (result.tried.isEmpty())
        result.tried << QStringLiteral("no " QRADIO_FRONTEND_FILE " found");
    return result;
}

} // namespace qradio::detail
