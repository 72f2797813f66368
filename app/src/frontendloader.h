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
    QStringList tried;                      //!< every path looked at, in order, each with why it was not used
};

//! Where the desktop window module may be, in the order they are tried. With
//! $QRADIO_DESKTOP_MODULE set, only that path: a module named explicitly is never silently
//! replaced by another. Otherwise: `installed` (the app's own copy, from its manifest); a
//! `qradio/` folder beside the library (or executable) holding this code; the install layout
//! relative to the executable, and the portable bundle's; `built` (the module the app was built
//! with); Qradio's build tree; the install prefix and /usr.
QStringList frontendCandidates(const QString &installed = {}, const QString &built = {});

//! Loads the first of `paths` built by the same Qradio and Qt; it stays loaded for the process'
//! life. Records every path that was not used, and why (missing, dlopen's error, another build).
LoadedFrontend loadFrontend(const QStringList &paths = frontendCandidates());

//! What the user reads when a window was wanted but no module loaded: every path tried with its
//! reason, and how to point at the module (QRADIO_DESKTOP_MODULE) or do without (--headless).
QString frontendFailureMessage(const LoadedFrontend &loaded);

} // namespace qradio::detail
