// SPDX-License-Identifier: MIT
#pragma once

#include <qradio/app.h>

#include <QString>

namespace qradio::detail {

//! What qradio_add_app() (cmake/QradioApp.cmake) compiles into an app as the resource
//! `:/qradio/app/manifest.json`: the defaults of its LaunchOptions and where its parts are.
struct AppManifest
{
    bool present = false;   //!< false: the app was not made with qradio_add_app()
    QString name;           //!< the executable's target name
    QString title;
    QString id;
    QString version;
    QString icon;           //!< a resource path, or empty
    QString frontend;       //!< the resource folder served at "/", or empty
    QString moduleDir;      //!< the folder of the installed app's window module, relative to its bin/
    QString modulePath;     //!< the window module the app was built with (runs from the build tree)
};

//! Reads the manifest; a manifest that is there but unreadable is reported on stderr and ignored.
AppManifest readAppManifest();

//! Where the app's own window module is, first choices of the launcher's search: the installed
//! app's copy (moduleDir, relative to the executable's folder), then the one it was built with.
QStringList modulePaths(const AppManifest &manifest);

//! `options` with each field the app's code left empty taken from the manifest.
LaunchOptions withManifestDefaults(LaunchOptions options, const AppManifest &manifest);

} // namespace qradio::detail
