// SPDX-License-Identifier: MIT
// qradio-icons <image> <output folder> <icon name>: writes the freedesktop hicolor icon set of an app
// from one PNG or SVG: <output>/hicolor/<N>x<N>/apps/<name>.png for the usual sizes up to the image's
// own (an SVG scales to all of them, and is also copied to hicolor/scalable/apps/<name>.svg).
// Run at build time by qradio_add_app() (cmake/QradioApp.cmake).
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QGuiApplication>
#include <QImage>
#include <QImageReader>
#include <QPainter>

#include <cstdio>

namespace {

constexpr int kSizes[] = {16, 24, 32, 48, 64, 128, 256, 512};

int fail(const QString &message)
{
    std::fprintf(stderr, "qradio-icons: %s\n", qPrintable(message));
    return 1;
}

} // namespace

int main(int argc, char **argv)
{
    // Rendering an SVG needs a GUI application; a build machine may have no display.
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    if (args.size() != 4)
        return fail(QStringLiteral("usage: qradio-icons <image.png|image.svg> <output folder> <icon name>"));
    const QString source = args[1];
    const QDir output(args[2]);
    const QString name = args[3];
    const bool svg = QFileInfo(source).suffix().compare(QLatin1String("svg"), Qt::CaseInsensitive) == 0;

    QImageReader probe(source);
    const QSize natural = probe.size();
    if (!probe.canRead() || !natural.isValid())
        return fail(QStringLiteral("cannot read the icon %1: %2%3")
                        .arg(source, probe.errorString(),
                             svg ? QStringLiteral(" (SVG needs Qt's SVG image plugin: apt-get install libqt6svg6)") : QString()));

    int written = 0;
    for (const int size : kSizes) {
        if (!svg && size > qMax(natural.width(), natural.height()) && written > 0)
            break;      // a bitmap is never scaled up, except to give at least one size
        QImageReader reader(source);
        QSize scaled = natural.scaled(size, size, Qt::KeepAspectRatio);
        if (svg)
            reader.setScaledSize(scaled);
        QImage image = reader.read();
        if (image.isNull())
            return fail(QStringLiteral("cannot read the icon %1: %2").arg(source, reader.errorString()));
        if (!svg)
            image = image.scaled(scaled, Qt::KeepAspectRatio, Qt::SmoothTransformation);
        if (image.size() != QSize(size, size)) {    // centre a non-square image on a square canvas
            QImage square(size, size, QImage::Format_ARGB32_Premultiplied);
            square.fill(Qt::transparent);
            QPainter(&square).drawImage((size - image.width()) / 2, (size - image.height()) / 2, image);
            image = square;
        }
        const QString folder = QStringLiteral("hicolor/%1x%1/apps").arg(size);
        if (!output.mkpath(folder) || !image.save(output.filePath(folder + QLatin1Char('/') + name + QStringLiteral(".png"))))
            return fail(QStringLiteral("cannot write %1").arg(output.filePath(folder)));
        ++written;
    }
    if (svg) {
        const QString folder = QStringLiteral("hicolor/scalable/apps");
        const QString target = output.filePath(folder + QLatin1Char('/') + name + QStringLiteral(".svg"));
        QFile::remove(target);
        if (!output.mkpath(folder) || !QFile::copy(source, target))
            return fail(QStringLiteral("cannot write %1").arg(target));
    }
    return 0;
}
