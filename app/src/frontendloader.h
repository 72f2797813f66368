// SPDX-License-Identifier: MIT
#pragma once

#include "frontend.h"

#include <QStringList>

#include <memory>

namespace qradio::detail {

struct LoadedFrontend
{
    std::unique_ptr<Frontend> frontend;     //!< null when no usable module was found
    QString path;                           //!< the module used
    QStringList tried;                      //!< what failed, and why (for the headless notice)
};

//! Finds and loads the desktop window module. Looks at, in order: $QRADIO_DESKTOP_MODULE; a
//! `qradio/` folder beside the library (or executable) holding this code; the install layout
//! relative to the executable; the build tree; the install prefix and /usr (the .deb). The first
//! one built by the same Qradio and Qt wins; it stays loaded for the process' life.
//! Looks for the module: QRADIO_DESKTOP_MODULE, then `installed` (the app's own copy), next to the
//! launcher, relative to the executable (also the portable bundle's lib/qradio), then `built` (the
//! module the app was built with), Qradio's build tree and its install folders.
LoadedFrontend loadFrontend(const QString &installed = {}, const QString &built = {});

} // namespace qradio::detail
