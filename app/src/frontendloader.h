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
LoadedFrontend loadFrontend(const QStringList &appPaths = {});

} // namespace qradio::detail
