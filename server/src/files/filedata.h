// SPDX-License-Identifier: MIT
#pragma once

#include <QHash>
#include <QJsonArray>
#include <QStringList>

#include <functional>

namespace qradio::files {

class FileStore;

//! A FileData object: a string `path` and `meta._type == "gradio.FileData"` (what both clients
//! send and expect, wherever it sits in a value).
bool isFileData(const QJsonObject &object);

struct RemoteFile;

//! Checks and completes every FileData in the arguments of a call, wherever it sits: it must
//! name a file of the upload or cache folder (what /upload gave the client, or a result it
//! sends back); anything else (a path it chose, /etc/passwd) is refused with an ArgumentError
//! naming the parameter. Completed objects carry all seven FileData fields. One whose path is an
//! http(s) URL is listed in `remote` (at most `maxRemote`; 0 refuses them) and left as it is:
//! fetch it (UrlFetcher) and call again with `fetched` (url → local path) to complete it.
void prepareInputs(const FileStore &store, const QStringList &parameterNames, QJsonArray &args,
                   QList<RemoteFile> *remote = nullptr, int maxRemote = 0, const QHash<QString, QString> &fetched = {});

//! Makes every FileData in an endpoint's results servable: a file of the upload or cache folder
//! stays where it is; another one (under the temp folder or allowedPaths) is linked, or copied,
//! into the cache under a fresh folder. Its `url` becomes `root() + "/gradio_api/file=" + path`.
//! Throws std::runtime_error for a file that may not be served or cannot be read.
void prepareOutputs(const FileStore &store, QJsonArray &outputs, const std::function<QString()> &root);

//! A file given as text (how MCP clients pass files): a `data:<type>;base64,<data>` URL is
//! written to a fresh folder of the upload folder and becomes a FileData; an http(s) URL becomes
//! a FileData naming it, for prepareInputs() to have it fetched. Throws ArgumentError naming the
//! parameter.
QJsonObject fileFromText(const FileStore &store, const QString &text, const QString &parameterName);

} // namespace qradio::files
