// SPDX-License-Identifier: MIT
// A filter endpoint on uploaded images: the kernels in filters.cpp, the call's progress, its
// cancellation and its refusals here.
#include "imagefilter.h"

#include "filters.h"

#include <qradio/context.h>
#include <qradio/error.h>
#include <qradio/file.h>

#include <QFile>
#include <QFileInfo>
#include <QImageReader>
#include <QImageWriter>
#include <QJsonArray>
#include <QLocale>
#include <QTemporaryDir>
#include <QUuid>

#include <cmath>
#include <memory>

namespace {

QString quoted(const QString &name) { return QStringLiteral("\u201c%1\u201d").arg(name); }

QString notAnImage(const qradio::File &file)
{
    return QStringLiteral("%1 is not an image: upload a PNG, JPEG, GIF, BMP or WebP file.").arg(quoted(file.name));
}

void refuseIfHuge(const qradio::File &file, QSize size)
{
    if (qint64(size.width()) * size.height() <= maxFilterPixels)
        return;
    const QLocale c = QLocale::c();
    throw qradio::Error(QStringLiteral("%1 is %2 \u00d7 %3 pixels (%4 megapixels); the limit is %5 megapixels.")
                            .arg(quoted(file.name), c.toString(size.width()), c.toString(size.height()),
                                 c.toString(double(size.width()) * size.height() / 1e6, 'f', 1),
                                 c.toString(maxFilterPixels / 1'000'000)),
                        QStringLiteral("Image too large"));
}

//! Reads the upload as an image, whatever its extension says; refuses what is not one, or too large.
QImage readImage(const qradio::File &file)
{
    QImageReader reader(file.path);
    reader.setDecideFormatFromContent(true);
    reader.setAutoTransform(true); // a photo shows the way its camera meant it
    if (!reader.canRead())
        throw qradio::Error(notAnImage(file), QStringLiteral("Not an image"));
    // From the header alone: a huge image is refused before a byte of it is decoded.
    if (reader.size().isValid())
        refuseIfHuge(file, reader.size());
    QImage image = reader.read();
    if (image.isNull())
        throw qradio::Error(QStringLiteral("%1 could not be decoded: %2.").arg(quoted(file.name), reader.errorString()),
                            QStringLiteral("Not an image"));
    refuseIfHuge(file, image.size());
    return image;
}

} // namespace

void registerImageFilter(qradio::Server &app)
{
    // 40 megapixels in ARGB32 are 160 MB, above Qt's default allocation limit of 128 MB.
    QImageReader::setAllocationLimit(int(maxFilterPixels * 4 / (1024 * 1024)) + 64);

    // Results must stay until the server has linked them into its cache, after the endpoint
    // returned; this folder lives as long as the server and is removed with it.
    auto results = std::make_shared<QTemporaryDir>(QDir::temp().filePath(QStringLiteral("qradio-image-filter-XXXXXX")));

    qradio::Param filterParam(QStringLiteral("filter"), QStringLiteral("The filter to apply"), QStringLiteral("grey"));
    for (const QString &name : imagefilter::filterNames())
        filterParam.choices.append(name);

    app.api("filter",
            [results](qradio::Context &ctx, const qradio::File &image, const QString &filterName, double strength) {
                const std::optional<imagefilter::Filter> filter = imagefilter::filterFromName(filterName);
                if (!filter) // the choices are checked before the call; kept for direct callers
                    throw qradio::Error(QStringLiteral("Unknown filter \u201c%1\u201d.").arg(filterName));
                if (!(strength >= 0 && strength <= 1))
                    throw qradio::Error(QStringLiteral("The strength must be between 0 and 1, not %1.").arg(strength));
                if (!results->isValid())
                    throw qradio::Error(QStringLiteral("The server has no temporary folder to write results to."));

                ctx.progress(0.0, QStringLiteral("Reading the image"));
                const QImage input = readImage(image);
                ctx.checkCancelled();

                const QString description = QStringLiteral("Applying %1").arg(filterName);
                const QImage output = imagefilter::applyFilter(input, *filter, strength, [&](int done, int total) {
                    ctx.progress(done, total, QStringLiteral("rows"), description);
                    return !ctx.isCancelled();
                });
                ctx.checkCancelled();
                if (output.isNull())
                    throw qradio::Error(QStringLiteral("Not enough memory to filter %1.").arg(quoted(image.name)));

                ctx.progress(1.0, QStringLiteral("Writing the PNG"));
                const QString path = results->filePath(QUuid::createUuid().toString(QUuid::WithoutBraces) + QStringLiteral(".png"));
                QImageWriter writer(path, "png");
                if (!writer.write(output)) {
                    QFile::remove(path);
                    throw qradio::Error(QStringLiteral("Could not write the result: %1.").arg(writer.errorString()));
                }
                const QString stem = QFileInfo(image.name).completeBaseName();
                return qradio::File::fromPath(path, (stem.isEmpty() ? QStringLiteral("image") : stem)
                                                        + QLatin1Char('-') + filterName + QStringLiteral(".png"));
            })
        .params({{"image", "The image to filter (PNG, JPEG, GIF, BMP or WebP; at most 40 megapixels)"},
                 filterParam,
                 {"strength",
                  "From 0 to 1: how much of the filter to apply; for blur, the radius (up to 20 pixels)", 0.6}})
        .description("Apply a filter (grey, blur, edges, invert, sepia or sharpen) to an image; returns a PNG.")
        .concurrencyLimit(1) // a 40-megapixel image takes about half a gigabyte while it is filtered
        .mcpTool();

    app.get(QStringLiteral("/"), [] {
        QFile page(QStringLiteral(":/image_filter/page.html"));
        page.open(QIODevice::ReadOnly);
        return qradio::Html(QString::fromUtf8(page.readAll()));
    }).requireLogin();
}
