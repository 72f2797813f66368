// SPDX-License-Identifier: MIT
#pragma once

#include <qradio/staticfolder.h>

#include <QByteArray>
#include <QFileInfo>
#include <QHash>
#include <QMutex>
#include <QString>

namespace qradio::files {

//! The folder behind a Server::serveFolder() mount: a directory or a Qt resource folder (`:/x`).
//! Finds what a checked relative path (staticRelativePath()) names, never leaving the folder,
//! and gives each file its strong ETag. Thread-safe: the network threads share one.
class StaticFolder
{
public:
    StaticFolder(const QString &folder, const StaticFolderOptions &options);

    //! What a relative path names.
    struct Target
    {
        enum class Kind {
            Missing,    //!< nothing servable: absent, hidden, outside the folder, not a regular file
            File,       //!< `path` is the file to open (canonical, symlinks resolved)
            NeedsSlash, //!< a folder asked for without its final `/`: redirect to it
        };
        Kind kind = Kind::Missing;
        QString path;
    };

    //! `relative` as staticRelativePath() returns it: "" for the root, `x/` for a folder (whose
    //! index file is served), `x/y.js` for a file. Directories on disk are looked at on each
    //! call, so the folder may be rebuilt or created after registration.
    Target resolve(const QString &relative) const;

    //! A strong ETag for a file resolve() found. On disk: etagFor() (size, mtime, inode).
    //! Resources have no inode and may carry no modification time (rcc can be told to leave it
    //! out for reproducible builds), so theirs is a digest of the content, computed on first
    //! use and cached: resources never change while the program runs.
    QByteArray etag(const QFileInfo &file) const;

    bool isResource() const { return m_resource; }
    const QString &folder() const { return m_folder; }
    const StaticFolderOptions &options() const { return m_options; }

private:
    Target find(const QString &root, const QString &relative) const;

    QString m_folder; //!< absolute and clean; `:/...` for a resource folder
    bool m_resource = false;
    StaticFolderOptions m_options;
    mutable QMutex m_mutex;
    mutable QHash<QString, QByteArray> m_resourceTags;
};

} // namespace qradio::files
