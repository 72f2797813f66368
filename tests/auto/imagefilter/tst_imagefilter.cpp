// SPDX-License-Identifier: MIT
// The image filter example's kernels (examples/image_filter/filters.cpp): exact pixels for tiny
// known inputs, worked out by hand from the definitions in filters.h.
#include "filters.h"

#include <QTest>

#include <algorithm>
#include <initializer_list>

using imagefilter::Filter;

namespace {

//! An opaque image from rows of grey levels.
QImage greyImage(std::initializer_list<std::initializer_list<int>> rows)
{
    QImage image(int(rows.begin()->size()), int(rows.size()), QImage::Format_RGB32);
    int y = 0;
    for (const auto &row : rows) {
        int x = 0;
        for (int v : row)
            image.setPixel(x++, y, qRgb(v, v, v));
        ++y;
    }
    return image;
}

//! The red channel of every pixel, row by row (the grey-level tests' view of an image).
QList<QList<int>> reds(const QImage &image)
{
    QList<QList<int>> out;
    for (int y = 0; y < image.height(); ++y) {
        QList<int> row;
        for (int x = 0; x < image.width(); ++x)
            row.append(qRed(image.pixel(x, y)));
        out.append(row);
    }
    return out;
}

bool isGrey(const QImage &image)
{
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            const QRgb p = image.pixel(x, y);
            if (qRed(p) != qGreen(p) || qGreen(p) != qBlue(p) || qAlpha(p) != 255)
                return false;
        }
    return true;
}

QImage colours()
{
    QImage image(2, 2, QImage::Format_RGB32);
    image.setPixel(0, 0, qRgb(255, 0, 0));
    image.setPixel(1, 0, qRgb(0, 255, 0));
    image.setPixel(0, 1, qRgb(0, 0, 255));
    image.setPixel(1, 1, qRgb(10, 20, 30));
    return image;
}

} // namespace

class TestImageFilter : public QObject
{
    Q_OBJECT

private slots:
    void names()
    {
        QCOMPARE(imagefilter::filterNames(),
                 QStringList({"grey", "blur", "edges", "invert", "sepia", "sharpen"}));
        for (const QString &name : imagefilter::filterNames())
            QCOMPARE(imagefilter::filterName(*imagefilter::filterFromName(name)), name);
        QVERIFY(!imagefilter::filterFromName(QStringLiteral("Grey")));
        QVERIFY(!imagefilter::filterFromName(QString()));
    }

    void grey()
    {
        const QImage out = imagefilter::applyFilter(colours(), Filter::Grey, 1);
        QCOMPARE(out.format(), QImage::Format_RGB32);
        QCOMPARE(out.pixel(0, 0), qRgb(76, 76, 76));    // 0.299 * 255 = 76.2
        QCOMPARE(out.pixel(1, 0), qRgb(150, 150, 150)); // 0.587 * 255 = 149.7
        QCOMPARE(out.pixel(0, 1), qRgb(29, 29, 29));    // 0.114 * 255 = 29.1
        QCOMPARE(out.pixel(1, 1), qRgb(18, 18, 18));    // 2.99 + 11.74 + 3.42 = 18.15
    }

    void strengthBlends()
    {
        const QImage half = imagefilter::applyFilter(colours(), Filter::Grey, 0.5);
        QCOMPARE(half.pixel(0, 0), qRgb(166, 38, 38)); // 255 + (76 - 255) / 2 = 165.5; 76 / 2 = 38
        QCOMPARE(imagefilter::applyFilter(colours(), Filter::Invert, 0.5).pixel(1, 1), qRgb(128, 128, 128));
        for (Filter f : {Filter::Grey, Filter::Edges, Filter::Invert, Filter::Sepia, Filter::Sharpen, Filter::Blur})
            QCOMPARE(imagefilter::applyFilter(colours(), f, 0), colours());
    }

    void invert()
    {
        const QImage out = imagefilter::applyFilter(colours(), Filter::Invert, 1);
        QCOMPARE(out.pixel(0, 0), qRgb(0, 255, 255));
        QCOMPARE(out.pixel(1, 1), qRgb(245, 235, 225));
    }

    void sepia()
    {
        QImage image(2, 1, QImage::Format_RGB32);
        image.setPixel(0, 0, qRgb(100, 150, 200));
        image.setPixel(1, 0, qRgb(255, 255, 255));
        const QImage out = imagefilter::applyFilter(image, Filter::Sepia, 1);
        QCOMPARE(out.pixel(0, 0), qRgb(192, 171, 134)); // .393/.769/.189, .349/.686/.168, .272/.534/.131
        QCOMPARE(out.pixel(1, 0), qRgb(255, 255, 239)); // capped at 255
    }

    void edges()
    {
        // A horizontal ramp: |Gx| = 4 * the step across the (border-repeated) neighbours, Gy = 0.
        const QImage ramp = greyImage({{0, 10, 20, 30}, {0, 10, 20, 30}, {0, 10, 20, 30}});
        const QImage out = imagefilter::applyFilter(ramp, Filter::Edges, 1);
        QVERIFY(isGrey(out));
        QCOMPARE(reds(out), (QList<QList<int>>{{40, 80, 80, 40}, {40, 80, 80, 40}, {40, 80, 80, 40}}));
        // The same ramp standing up: the gradient turns with it.
        const QImage column = greyImage({{0}, {10}, {20}, {30}});
        QCOMPARE(reds(imagefilter::applyFilter(column, Filter::Edges, 1)), (QList<QList<int>>{{40}, {80}, {80}, {40}}));
        // A diagonal ramp: Gx = Gy = 40 at the corner, sqrt(3200) = 56.6.
        const QImage diagonal = greyImage({{0, 10}, {10, 20}});
        QCOMPARE(qRed(imagefilter::applyFilter(diagonal, Filter::Edges, 1).pixel(0, 0)), 57);
        // A hard edge saturates; flat areas have none.
        const QImage step = greyImage({{0, 0, 255, 255}, {0, 0, 255, 255}});
        QCOMPARE(reds(imagefilter::applyFilter(step, Filter::Edges, 1)), (QList<QList<int>>{{0, 255, 255, 0}, {0, 255, 255, 0}}));
        QCOMPARE(reds(imagefilter::applyFilter(step, Filter::Edges, 0.5)),
                 (QList<QList<int>>{{0, 128, 255, 128}, {0, 128, 255, 128}}));
    }

    void sharpen()
    {
        const QImage image = greyImage({{50, 50, 50}, {50, 60, 50}, {50, 50, 50}});
        // 5 * centre - its four neighbours (borders repeated), capped to 0..255.
        QCOMPARE(reds(imagefilter::applyFilter(image, Filter::Sharpen, 1)),
                 (QList<QList<int>>{{50, 40, 50}, {40, 100, 40}, {50, 40, 50}}));
        QCOMPARE(qRed(imagefilter::applyFilter(image, Filter::Sharpen, 0.5).pixel(1, 1)), 80);
        const QImage spike = greyImage({{0, 0, 0}, {0, 100, 0}, {0, 0, 0}});
        QCOMPARE(reds(imagefilter::applyFilter(spike, Filter::Sharpen, 1)),
                 (QList<QList<int>>{{0, 0, 0}, {0, 255, 0}, {0, 0, 0}}));
    }

    void blur()
    {
        QCOMPARE(imagefilter::blurRadius(0), 0);
        QCOMPARE(imagefilter::blurRadius(0.05), 1);
        QCOMPARE(imagefilter::blurRadius(1), imagefilter::maxBlurRadius);
        // Radius 1: a 3-pixel box across (255 / 3 = 85), then down (85 / 3 = 28.3).
        const QImage dot = greyImage({{0, 0, 0, 0}, {0, 255, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}});
        const QImage out = imagefilter::applyFilter(dot, Filter::Blur, 0.05);
        QVERIFY(isGrey(out));
        QCOMPARE(reds(out), (QList<QList<int>>{{28, 28, 28, 0}, {28, 28, 28, 0}, {28, 28, 28, 0}, {0, 0, 0, 0}}));
        // A window wider than the image repeats the borders: a flat image stays flat.
        QImage flat(4, 3, QImage::Format_RGB32);
        flat.fill(qRgb(100, 150, 200));
        QCOMPARE(imagefilter::applyFilter(flat, Filter::Blur, 1), flat);
    }

    void keepsAlpha()
    {
        QImage image(2, 1, QImage::Format_ARGB32);
        image.setPixel(0, 0, qRgba(10, 20, 30, 128));
        image.setPixel(1, 0, qRgba(200, 100, 0, 0));
        for (Filter f : {Filter::Grey, Filter::Edges, Filter::Invert, Filter::Sepia, Filter::Sharpen}) {
            const QImage out = imagefilter::applyFilter(image, f, 1);
            QCOMPARE(out.format(), QImage::Format_ARGB32);
            QCOMPARE(qAlpha(out.pixel(0, 0)), 128);
            QCOMPARE(qAlpha(out.pixel(1, 0)), 0);
        }
        QCOMPARE(imagefilter::applyFilter(image, Filter::Invert, 1).pixel(0, 0), qRgba(245, 235, 225, 128));
        // Blurred on premultiplied pixels: the transparent pixel's colour does not bleed in.
        const QImage blurred = imagefilter::applyFilter(image, Filter::Blur, 0.05);
        QCOMPARE(blurred.format(), QImage::Format_ARGB32);
        QCOMPARE(qAlpha(blurred.pixel(1, 0)), 43); // (0 + 128 + 0) / 3 across: 128 and 0 repeated
        QVERIFY(qRed(blurred.pixel(1, 0)) < 20);
    }

    void reportsRowsAndStops()
    {
        QImage image(8, 100, QImage::Format_RGB32);
        image.fill(qRgb(1, 2, 3));
        for (Filter f : {Filter::Grey, Filter::Blur, Filter::Edges}) {
            QList<int> done;
            int total = 0;
            const QImage out = imagefilter::applyFilter(image, f, 1, [&](int d, int t) {
                done.append(d);
                total = t;
                return true;
            });
            QVERIFY(!out.isNull());
            QCOMPARE(total, f == Filter::Blur ? 200 : 100); // blur: rows across, then rows down
            QVERIFY(done.size() > 10);
            QCOMPARE(done.last(), total);
            QVERIFY(std::is_sorted(done.begin(), done.end()));

            int calls = 0;
            const QImage stopped = imagefilter::applyFilter(image, f, 1, [&](int, int) { return ++calls < 2; });
            QVERIFY(stopped.isNull());
            QCOMPARE(calls, 2);
        }
    }
};

QTEST_GUILESS_MAIN(TestImageFilter)
#include "tst_imagefilter.moc"
