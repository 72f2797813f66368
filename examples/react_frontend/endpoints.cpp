// SPDX-License-Identifier: MIT
// The endpoints the React page (web/src/App.jsx) calls.
#include "endpoints.h"

#include <qradio/error.h>
#include <qradio/file.h>

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QImageReader>
#include <QJsonObject>
#include <QMimeDatabase>
#include <QTemporaryDir>
#include <QUuid>

#include <QCoro/QCoroTimer>

#include <memory>
#include <optional>
#include <tuple>

using namespace std::chrono_literals;

namespace {

//! The pause between two words of `write`: long enough to watch the answer grow.
constexpr auto wordDelay = 60ms;

QString storyAbout(const QString &topic)
{
    return QStringLiteral("Here is a short story about %1. Once upon a time, %1 wanted to be written down, "
                          "so a little program took it and wrote one word at a time, and every word travelled "
                          "on its own to the page, which showed it the moment it arrived. The end.")
        .arg(topic);
}

QString sha256Of(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw qradio::Error(QStringLiteral("Could not read the upload: %1.").arg(file.errorString()));
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(&file); // in blocks: the file is never read into memory whole
    return QString::fromLatin1(hash.result().toHex());
}

//! Adds an image's size to `summary` and returns its grey thumbnail (a PNG under `folder`), or
//! nothing when the file is no image or too large to decode.
std::optional<qradio::File> thumbnailOf(const qradio::File &file, const QTemporaryDir &folder, QJsonObject &summary)
{
    QImageReader reader(file.path);
    reader.setDecideFormatFromContent(true); // whatever the name or the client's type claims
    reader.setAutoTransform(true);
    if (!reader.canRead())
        return std::nullopt;
    const QSize size = reader.size();
    if (size.isValid()) {
        summary.insert(QStringLiteral("width"), size.width());
        summary.insert(QStringLiteral("height"), size.height());
        if (qint64(size.width()) * size.height() > maxThumbnailSourcePixels) {
            summary.insert(QStringLiteral("note"), QStringLiteral("too large for a thumbnail"));
            return std::nullopt;
        }
    }
    const QImage image = reader.read();
    if (image.isNull()) {
        summary.insert(QStringLiteral("note"), QStringLiteral("not decodable: %1").arg(reader.errorString()));
        return std::nullopt;
    }
    if (!size.isValid()) {
        summary.insert(QStringLiteral("width"), image.width());
        summary.insert(QStringLiteral("height"), image.height());
    }
    QImage thumbnail = image.convertToFormat(QImage::Format_Grayscale8);
    if (thumbnail.width() > thumbnailSide || thumbnail.height() > thumbnailSide)
        thumbnail = thumbnail.scaled(thumbnailSide, thumbnailSide, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    if (!folder.isValid())
        throw qradio::Error(QStringLiteral("The server has no temporary folder to write the thumbnail to."));
    const QString path = folder.filePath(QUuid::createUuid().toString(QUuid::WithoutBraces) + QStringLiteral(".png"));
    if (!thumbnail.save(path, "png")) {
        QFile::remove(path);
        throw qradio::Error(QStringLiteral("Could not write the thumbnail."));
    }
    const QString stem = QFileInfo(file.name).completeBaseName();
    return qradio::File::fromPath(path, (stem.isEmpty() ? QStringLiteral("image") : stem) + QStringLiteral("-grey.png"));
}

} // namespace

void registerReactFrontendEndpoints(qradio::Server &app)
{
    // Gradio's convention for streamed text: each message is the whole answer so far, so a client
    // only ever shows the latest one (and one that missed a message still shows the right text).
    app.api("write", [](QString prompt) -> QCoro::AsyncGenerator<QString> {
           prompt = prompt.simplified();
           if (prompt.isEmpty())
               throw qradio::Error(QStringLiteral("Write a prompt first."));
           if (prompt.size() > maxPromptLength)
               throw qradio::Error(QStringLiteral("The prompt has %1 characters; the limit is %2.")
                                       .arg(prompt.size())
                                       .arg(maxPromptLength));
           QString answer;
           for (const QString &word : storyAbout(prompt).split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
               co_await QCoro::sleepFor(wordDelay); // a timer: the network thread is never blocked
               if (!answer.isEmpty())
                   answer += QLatin1Char(' ');
               answer += word;
               co_yield answer;
           }
       })
        .params({{"prompt", "What the story is about (at most 500 characters)"}})
        .description("Write a short story about the prompt, streamed one word at a time.")
        .mcpTool();

    // Thumbnails must stay until the server has linked them into its cache, after the endpoint
    // returned; this folder lives as long as the server and is removed with it.
    auto thumbnails = std::make_shared<QTemporaryDir>(QDir::temp().filePath(QStringLiteral("qradio-react-XXXXXX")));

    app.api("inspect",
            [thumbnails](const qradio::File &file) -> std::tuple<QJsonObject, std::optional<qradio::File>> {
                const QFileInfo info(file.path);
                QJsonObject summary{
                    {QStringLiteral("name"), file.name},
                    {QStringLiteral("size"), file.size >= 0 ? file.size : info.size()},
                    // Sniffed from the content: the client's claim is only a hint.
                    {QStringLiteral("type"), QMimeDatabase().mimeTypeForFile(info, QMimeDatabase::MatchContent).name()},
                    {QStringLiteral("sha256"), sha256Of(file.path)},
                };
                std::optional<qradio::File> thumbnail = thumbnailOf(file, *thumbnails, summary);
                return {summary, thumbnail};
            })
        .params({{"file", "Any file; an image (PNG, JPEG, GIF, BMP, WebP) also comes back as a grey thumbnail"}})
        .description("Describe a file (name, size, type, SHA-256); for an image, also return a grey thumbnail.")
        .concurrencyLimit(2)
        .mcpTool();
}
