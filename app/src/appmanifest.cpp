// SPDX-License-Identifier: MIT
#include "appmanifest.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>

namespace qradio::detail {

AppManifest readAppManifest()
{
    AppManifest manifest;
    QFile file(QStringLiteral(":/qradio/app/manifest.json"));
    if (!file.open(QIODevice::ReadOnly))
        return manifest;
    QJsonParseError error{};
    const QJsonObject json = QJsonDocument::fromJson(file.readAll(), &error).object();
    if (error.error != QJsonParseError::NoError) {
        std::fprintf(stderr, "Ignoring the app manifest :/qradio/app/manifest.json: %s\n",
                     qPrintable(error.errorString()));
        return manifest;
    }
    manifest.present = true;
    manifest.name = json.value(QLatin1String("name")).toString();
    manifest.title = json.value(QLatin1String("title")).toString();
    manifest.id = json.value(QLatin1String("id")).toString();
    manifest.version = json.value(QLatin1String("version")).toString();
    manifest.icon = json.value(QLatin1String("icon")).toString();
    manifest.frontend = json.value(QLatin1String("frontend")).toString();
    manifest.moduleDir = json.value(QLatin1String("moduleDir")).toString();
    manifest.modulePath = json.value(QLatin1String("modulePath")).toString();
    return manifest;
}

QString installedModulePath(const AppManifest &manifest)
{
    const QString exe = QFile::symLinkTarget(QStringLiteral("/proc/self/exe"));
    if (manifest.moduleDir.isEmpty() || exe.isEmpty())
        return {};
    return QDir::cleanPath(QFileInfo(exe).absolutePath() + QLatin1Char('/') + manifest.moduleDir
                           + QStringLiteral("/" QRADIO_FRONTEND_FILE));
}

LaunchOptions withManifestDefaults(LaunchOptions options, const AppManifest &manifest)
{
    const auto fill = [](QString &field, const QString &value) {
        if (field.isEmpty())
            field = value;
    };
    fill(options.title, manifest.title);
    fill(options.appId, manifest.id);
    fill(options.version, manifest.version);
    fill(options.iconPath, manifest.icon);
    return options;
}

} // namespace qradio::detail
