// SPDX-License-Identifier: MIT
#pragma once

//! \file file.h
//! Files as endpoint parameters and results (Gradio's FileData).

#include <qradio/types.h>

namespace qradio {

//! A file an endpoint takes or returns. As a parameter it is a file a client uploaded (both
//! clients' `handle_file()`; MCP clients pass a `data:` URL): `path` is where it
//! lies on this machine, read-only to the endpoint. As a result, return any file the endpoint
//! wrote (under the temp folder, the file folder or ServerOptions::allowedPaths): it is linked
//! or copied into the server's cache and served at `/gradio_api/file=<path>` for the clients
//! to download. Lists and optionals of files work as any other type.
//! \code
//! app.api("grey", [](const qradio::File &image) {
//!     QImage out = QImage(image.path).convertToFormat(QImage::Format_Grayscale8);
//!     const QString path = QDir::temp().filePath("grey.png");
//!     out.save(path);
//!     return qradio::File::fromPath(path, "grey-" + image.name);
//! }).params({"image"});
//! \endcode
struct File
{
    QString path;      //!< absolute path on the server
    QString name;      //!< the original file name (as the client named it); for a result, its download name
    qint64 size = -1;  //!< bytes; -1 when not known
    QString mimeType;  //!< empty when not known

    //! A result: the file at `path`, offered to clients as `name` (its own name when empty).
    static File fromPath(const QString &path, const QString &name = {});
};

template<>
struct TypeInfo<File>
{
    //! Gradio's FileData schema: both clients recognise a file parameter by it.
    static QJsonObject schema();
    //! A FileData object (`path` and `meta._type == "gradio.FileData"`).
    static std::optional<File> fromJson(const QJsonValue &v, QString *error);
    static QJsonValue toJson(const File &file);
};

} // namespace qradio
