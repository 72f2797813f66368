// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace qradio::files {

//! The name under which an uploaded file is stored, made from the name the client sent.
//! Keeps the basename only (after the last `/` or `\`); removes `< > : " / \ | ? *`, `` ` $ ! { } ``,
//! control and invisible format characters (bidi overrides that disguise an extension) and lone
//! surrogates; trims surrounding spaces and trailing dots (Windows drops them); a name that is only
//! dots and an extension becomes `file.ext`, other leading dots go (no dotfiles); a Windows device
//! name (CON, PRN, AUX, NUL, COM0-9, LPT0-9, their superscript-digit forms; any case, with or
//! without extension) gets a `_` prefix; at most 200 bytes of UTF-8, cut between characters and
//! keeping an extension of up to 32 bytes; an empty result becomes `tmp<10 hex>`.
//! Never returns an empty string, `.`, `..` or anything with a separator.
//! \code
//! sanitizeFileName(u"C:\\Users\\me\\<cat>.png"_s);   // "cat.png"
//! sanitizeFileName(u"con.txt"_s);                     // "_con.txt"
//! \endcode
QString sanitizeFileName(const QString &clientName);

//! A fresh folder name for one upload: 32 bytes from the system's secure generator as 64 lower-case
//! hex digits, so a client cannot guess where another client's file is.
QString uniqueFolderName();

} // namespace qradio::files
