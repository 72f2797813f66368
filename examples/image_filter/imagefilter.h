// SPDX-License-Identifier: MIT
#pragma once

#include <qradio/server.h>

//! The largest image the filter endpoint takes, in pixels (width x height).
inline constexpr qint64 maxFilterPixels = 40'000'000;

//! Registers the image filter's endpoint and page on `app` (shared by the example's main and the
//! tests that run it in-process).
void registerImageFilter(qradio::Server &app);
