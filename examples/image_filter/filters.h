// SPDX-License-Identifier: MIT
#pragma once

//! \file filters.h
//! The image filter example's kernels, written on QImage scanlines (no other library). Every
//! filter keeps the image's size and alpha; `strength` (0..1) blends the filtered pixels with the
//! original ones (out = in + strength * (filtered - in), rounded), except for blur, where it sets
//! the box radius (round(strength * maxBlurRadius) pixels; 0 leaves the image as it is).

#include <QImage>
#include <QStringList>

#include <functional>
#include <optional>

namespace imagefilter {

enum class Filter { Grey, Blur, Edges, Invert, Sepia, Sharpen };

//! The blur radius at strength 1, in pixels.
inline constexpr int maxBlurRadius = 20;

//! The filters' names as the API takes them ("grey", "blur", "edges", "invert", "sepia", "sharpen").
QStringList filterNames();
std::optional<Filter> filterFromName(const QString &name);
QString filterName(Filter filter);

//! Told after each band of rows: `done` of `total` rows (blur counts its two passes). Returning
//! false stops the filter, which then returns a null image.
using RowProgress = std::function<bool(int done, int total)>;

//! The luminance the grey and edge filters use: round(0.299 R + 0.587 G + 0.114 B).
int luminance(QRgb pixel);
//! The box blur's radius for `strength`.
int blurRadius(double strength);

//! Applies `filter` to `image`. The result is Format_ARGB32 when `image` has an alpha channel,
//! else Format_RGB32; a null image when `progress` stopped it.
QImage applyFilter(const QImage &image, Filter filter, double strength, const RowProgress &progress = {});

} // namespace imagefilter
