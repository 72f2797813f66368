// SPDX-License-Identifier: MIT
#include "filters.h"

#include <QtMath>

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

namespace imagefilter {

namespace {

struct FilterInfo
{
    Filter filter;
    const char *name;
};
constexpr std::array<FilterInfo, 6> filters{{{Filter::Grey, "grey"},
                                             {Filter::Blur, "blur"},
                                             {Filter::Edges, "edges"},
                                             {Filter::Invert, "invert"},
                                             {Filter::Sepia, "sepia"},
                                             {Filter::Sharpen, "sharpen"}}};

//! Walks the rows of one or more passes, telling `progress` after every band of rows.
class Rows
{
public:
    Rows(int height, int passes, const RowProgress &progress)
        : m_height(height), m_total(height * passes), m_band(std::max(1, m_total / 64)), m_progress(progress)
    {}

    //! Calls `row(y)` for every row; false once `progress` asked to stop.
    template<typename RowFunction>
    bool run(RowFunction &&row)
    {
        for (int y = 0; y < m_height; ++y) {
            row(y);
            ++m_done;
            if (m_progress && (m_done % m_band == 0 || m_done == m_total) && !m_progress(m_done, m_total))
                return false;
        }
        return true;
    }

private:
    int m_height;
    int m_total;
    int m_band;
    int m_done = 0;
    const RowProgress &m_progress;
};

int clampChannel(int value) { return std::clamp(value, 0, 255); }

//! in + strength * (filtered - in), rounded, for one channel.
int blend(int in, int filtered, double strength) { return clampChannel(qRound(in + strength * (filtered - in))); }

QRgb blendPixel(QRgb in, int r, int g, int b, double strength)
{
    return qRgba(blend(qRed(in), r, strength), blend(qGreen(in), g, strength), blend(qBlue(in), b, strength), qAlpha(in));
}

const QRgb *line(const QImage &image, int y) { return reinterpret_cast<const QRgb *>(image.constScanLine(y)); }
QRgb *line(QImage &image, int y) { return reinterpret_cast<QRgb *>(image.scanLine(y)); }

//! A filter that maps each pixel on its own: `map(pixel, &r, &g, &b)`.
template<typename Map>
bool pointFilter(const QImage &src, QImage &dst, double strength, Rows &rows, Map map)
{
    return rows.run([&](int y) {
        const QRgb *in = line(src, y);
        QRgb *out = line(dst, y);
        for (int x = 0; x < src.width(); ++x) {
            int r = 0, g = 0, b = 0;
            map(in[x], r, g, b);
            out[x] = blendPixel(in[x], r, g, b, strength);
        }
    });
}

//! Sobel's gradient magnitude on the luminance, borders repeated, capped at 255, as grey.
bool edges(const QImage &src, QImage &dst, double strength, Rows &rows)
{
    const int w = src.width();
    const int h = src.height();
    std::vector<uchar> lum(size_t(w) * size_t(h));
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            lum[size_t(y) * w + x] = uchar(luminance(line(src, y)[x]));
    return rows.run([&](int y) {
        const uchar *up = lum.data() + size_t(std::max(y - 1, 0)) * w;
        const uchar *mid = lum.data() + size_t(y) * w;
        const uchar *down = lum.data() + size_t(std::min(y + 1, h - 1)) * w;
        const QRgb *in = line(src, y);
        QRgb *out = line(dst, y);
        for (int x = 0; x < w; ++x) {
            const int l = std::max(x - 1, 0);
            const int r = std::min(x + 1, w - 1);
            const int gx = (up[r] + 2 * mid[r] + down[r]) - (up[l] + 2 * mid[l] + down[l]);
            const int gy = (down[l] + 2 * down[x] + down[r]) - (up[l] + 2 * up[x] + up[r]);
            const int m = std::min(255, qRound(std::sqrt(double(gx * gx + gy * gy))));
            out[x] = blendPixel(in[x], m, m, m, strength);
        }
    });
}

//! The 3x3 kernel [0 -1 0; -1 5 -1; 0 -1 0] on each colour channel, borders repeated.
bool sharpen(const QImage &src, QImage &dst, double strength, Rows &rows)
{
    const int w = src.width();
    const int h = src.height();
    return rows.run([&](int y) {
        const QRgb *up = line(src, std::max(y - 1, 0));
        const QRgb *in = line(src, y);
        const QRgb *down = line(src, std::min(y + 1, h - 1));
        QRgb *out = line(dst, y);
        for (int x = 0; x < w; ++x) {
            const QRgb left = in[std::max(x - 1, 0)];
            const QRgb right = in[std::min(x + 1, w - 1)];
            auto channel = [&](int (*of)(QRgb)) {
                return clampChannel(5 * of(in[x]) - of(up[x]) - of(down[x]) - of(left) - of(right));
            };
            out[x] = blendPixel(in[x], channel(qRed), channel(qGreen), channel(qBlue), strength);
        }
    });
}

//! One pixel's four channels, for running sums.
struct Sum
{
    int a = 0, r = 0, g = 0, b = 0;
    void add(QRgb p, int sign)
    {
        a += sign * qAlpha(p);
        r += sign * qRed(p);
        g += sign * qGreen(p);
        b += sign * qBlue(p);
    }
    QRgb average(int n) const
    {
        return qRgba((r + n / 2) / n, (g + n / 2) / n, (b + n / 2) / n, (a + n / 2) / n);
    }
};

//! A box blur of `radius` (window 2 radius + 1, borders repeated, each pass rounded), rows then
//! columns, on premultiplied pixels so that transparent ones do not bleed their colour.
bool blur(QImage &image, int radius, Rows &rows)
{
    const int w = image.width();
    const int h = image.height();
    const int n = 2 * radius + 1;
    std::vector<QRgb> row(size_t(w), 0);
    const bool across = rows.run([&](int y) {
        QRgb *pixels = line(image, y);
        std::copy(pixels, pixels + w, row.begin());
        Sum sum;
        for (int k = -radius; k <= radius; ++k)
            sum.add(row[size_t(std::clamp(k, 0, w - 1))], 1);
        for (int x = 0; x < w; ++x) {
            pixels[x] = sum.average(n);
            sum.add(row[size_t(std::min(x + radius + 1, w - 1))], 1);
            sum.add(row[size_t(std::max(x - radius, 0))], -1);
        }
    });
    if (!across)
        return false;

    const QImage source = image.copy();
    std::vector<Sum> sums(static_cast<size_t>(w));
    for (int k = -radius; k <= radius; ++k) {
        const QRgb *in = line(source, std::clamp(k, 0, h - 1));
        for (int x = 0; x < w; ++x)
            sums[size_t(x)].add(in[x], 1);
    }
    return rows.run([&](int y) {
        QRgb *out = line(image, y);
        const QRgb *entering = line(source, std::min(y + radius + 1, h - 1));
        const QRgb *leaving = line(source, std::max(y - radius, 0));
        for (int x = 0; x < w; ++x) {
            out[x] = sums[size_t(x)].average(n);
            sums[size_t(x)].add(entering[x], 1);
            sums[size_t(x)].add(leaving[x], -1);
        }
    });
}

} // namespace

QStringList filterNames()
{
    QStringList names;
    for (const FilterInfo &f : filters)
        names.append(QLatin1String(f.name));
    return names;
}

std::optional<Filter> filterFromName(const QString &name)
{
    for (const FilterInfo &f : filters)
        if (name == QLatin1String(f.name))
            return f.filter;
    return std::nullopt;
}

QString filterName(Filter filter)
{
    for (const FilterInfo &f : filters)
        if (f.filter == filter)
            return QLatin1String(f.name);
    return {};
}

int luminance(QRgb pixel) { return (299 * qRed(pixel) + 587 * qGreen(pixel) + 114 * qBlue(pixel) + 500) / 1000; }

int blurRadius(double strength) { return qRound(std::clamp(strength, 0.0, 1.0) * maxBlurRadius); }

QImage applyFilter(const QImage &image, Filter filter, double strength, const RowProgress &progress)
{
    strength = std::clamp(strength, 0.0, 1.0);
    const QImage::Format format = image.hasAlphaChannel() ? QImage::Format_ARGB32 : QImage::Format_RGB32;
    const QImage src = image.convertToFormat(format);
    if (src.isNull())
        return {};

    if (filter == Filter::Blur) {
        Rows rows(src.height(), 2, progress);
        QImage work = src.convertToFormat(image.hasAlphaChannel() ? QImage::Format_ARGB32_Premultiplied : format);
        if (!blur(work, blurRadius(strength), rows))
            return {};
        return work.convertToFormat(format);
    }

    QImage dst(src.size(), format);
    Rows rows(src.height(), 1, progress);
    bool done = false;
    switch (filter) {
    case Filter::Grey:
        done = pointFilter(src, dst, strength, rows, [](QRgb p, int &r, int &g, int &b) { r = g = b = luminance(p); });
        break;
    case Filter::Invert:
        done = pointFilter(src, dst, strength, rows, [](QRgb p, int &r, int &g, int &b) {
            r = 255 - qRed(p);
            g = 255 - qGreen(p);
            b = 255 - qBlue(p);
        });
        break;
    case Filter::Sepia:
        done = pointFilter(src, dst, strength, rows, [](QRgb p, int &r, int &g, int &b) {
            r = std::min(255, (393 * qRed(p) + 769 * qGreen(p) + 189 * qBlue(p) + 500) / 1000);
            g = std::min(255, (349 * qRed(p) + 686 * qGreen(p) + 168 * qBlue(p) + 500) / 1000);
            b = std::min(255, (272 * qRed(p) + 534 * qGreen(p) + 131 * qBlue(p) + 500) / 1000);
        });
        break;
    case Filter::Edges:
        done = edges(src, dst, strength, rows);
        break;
    case Filter::Sharpen:
        done = sharpen(src, dst, strength, rows);
        break;
    case Filter::Blur:
        break;
    }
    return done ? dst : QImage();
}

} // namespace imagefilter
