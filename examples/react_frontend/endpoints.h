// SPDX-License-Identifier: MIT
#pragma once

#include <qradio/server.h>

//! The longest prompt `write` takes, in characters.
inline constexpr qsizetype maxPromptLength = 500;
//! The largest image `inspect` makes a thumbnail of, in pixels (width x height).
inline constexpr qint64 maxThumbnailSourcePixels = 25'000'000;
//! The longest side of `inspect`'s thumbnails, in pixels.
inline constexpr int thumbnailSide = 256;

//! Registers the React frontend's endpoints on `app`:
//! - `write(prompt) -> str`, streamed: a short text about the prompt, one word more per message;
//! - `inspect(file) -> (summary, thumbnail)`: the file's name, size, type and SHA-256 (and an
//!   image's size), and for an image a grey thumbnail (otherwise null).
void registerReactFrontendEndpoints(qradio::Server &app);
