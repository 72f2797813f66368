// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArrayView>
#include <QString>
#include <QStringView>

#include <optional>

namespace qradio::files {

//! Longest path below a serveFolder() mount, in characters once decoded (nginx and browsers
//! stop well before; no build tool emits anything near it).
constexpr qsizetype kMaxStaticPath = 1024;

//! The path below a serveFolder() mount that `encoded` names, or nullopt when it may not name a
//! file there. `encoded` is the request path after the mount's prefix and its `/`, still
//! percent-encoded as the client sent it (QUrl::FullyEncoded). The result is decoded once, ""
//! for the mount's root, ending in `/` for a folder; it never starts with `/`, has no empty,
//! `.`, `..` or dot-named segment, no backslash and no control character. Refused too: a `%`
//! not followed by two hex digits, an encoded `/`, `\` or `%` (a double encoding), invalid
//! UTF-8, and more than kMaxStaticPath characters.
std::optional<QString> staticRelativePath(QByteArrayView encoded);

//! True when the last segment's name carries a build hash as Vite / Rollup emit them:
//! `name-<hash>.ext` (or `.<hash>.`) with a hash of 8 to 64 letters, digits or `_` that has a
//! digit and a letter, or, for a file in an `assets/` folder, both upper- and lower-case
//! letters (`index-BXk3Ee4N.js`, `logo-DiwrgTda.svg`). Such files never change under their name.
bool isHashedName(QStringView relative);

//! True when the last segment has an extension (`app.js`, not `settings` or `.env`).
bool hasExtension(QStringView relative);

} // namespace qradio::files
