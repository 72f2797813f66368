// SPDX-License-Identifier: MIT
#pragma once

//! \file staticfolder.h
//! Options of Server::serveFolder(): a folder of files (a Vite or plain HTML build) served as is.

#include <QString>

namespace qradio {

//! How Server::serveFolder() serves a folder.
//! \code
//! app.serveFolder("/", ":/app/frontend", {.spaFallback = true});
//! \endcode
struct StaticFolderOptions
{
    //! Single-page app: a GET for a path the folder does not have, whose last segment has no
    //! extension (`/settings/profile`, not `/logo.png`) and whose `Accept` names `text/html` (a
    //! browser navigating), is answered with the index page, so that the app's own router
    //! (React Router, Vue Router) shows it. Paths below `/gradio_api/` never fall back.
    bool spaFallback = false;
    //! The page served for the mount's root and for any folder inside it.
    QString indexFile = QStringLiteral("index.html");
    //! `Cache-Control: max-age` in seconds of files that are neither HTML nor named by a build
    //! hash; 0 = `no-cache` (kept, but revalidated through the ETag each time). HTML is always
    //! `no-cache`; names carrying a build hash as Vite emits them (`assets/index-3f9a1c2b.js`,
    //! `logo-Bx7kQ2pZ.svg` under `assets/`) are `public, max-age=31536000, immutable`.
    int maxAge = 0;
};

} // namespace qradio
