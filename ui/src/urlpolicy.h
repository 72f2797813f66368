// SPDX-License-Identifier: MIT
#pragma once

// Pure URL rules of the desktop window, kept apart from WebEngine so they are easy to test.

#include <QList>
#include <QSslCertificate>
#include <QUrl>

namespace qradio::detail {

//! True when `url` names a CDN copy of the @gradio/client browser module
//! (jsDelivr, unpkg or esm.sh, with or without a version).
bool isGradioClientCdnUrl(const QUrl &url);

//! Same scheme, host and port (default ports filled in).
bool sameOrigin(const QUrl &a, const QUrl &b);

//! The app's own: the origin of `appUrl` (its server) or, in dev mode, of `devUrl` (the dev
//! server whose page the window shows). blob: URLs count by the origin they were made in.
bool isAppOrigin(const QUrl &url, const QUrl &appUrl, const QUrl &devUrl);

//! Schemes that may be handed to the system (browser, mail client) when a page navigates to them.
bool isExternallyOpenable(const QUrl &url);

//! Whether a certificate error on `url` may be overridden: only on `appUrl`'s origin, and only
//! when the server presented exactly `own` (its chain starts with it). A null `own`: never.
bool trustsOwnCertificate(const QUrl &url, const QList<QSslCertificate> &chain, const QUrl &appUrl,
                          const QSslCertificate &own);

} // namespace qradio::detail
