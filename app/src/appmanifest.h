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

//! The installed app's own copy of the window module (moduleDir, relative to the executable's
//! folder); empty without a manifest.
QString installedModulePath(const AppManifest &manifest);

//! `options` with each field the app's code left empty taken from the manifest.
LaunchOptions withManifestDefaults(LaunchOptions options, const AppManifest &manifest);

} // namespace qradio::detail
