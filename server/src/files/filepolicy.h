// SPDX-License-Identifier: MIT
#pragma once

#include <QLoggingCategory>
#include <QString>
#include <QStringList>

#include <optional>

namespace qradio::files {

//! `qradio.files`: why a request was refused (debug level, off by default).
Q_DECLARE_LOGGING_CATEGORY(lcFiles)

//! The kind of folder a servable file was found under.
enum class Root {
    Upload,  //!< the upload folder: what clients sent through /upload
    Cache,   //!< the cache folder: files copied out of function results
    Allowed, //!< a path the developer allowed (Gradio's `allowed_paths`)
};

//! A file that may be served.
struct ServableFile
{
    QString path; //!< canonical absolute path, symlinks resolved: open this one, not the request
    Root root = Root::Upload;
};

//! True when `path` is `root` or lies below it, compared by whole components after
//! QDir::cleanPath: `/tmp/up` contains `/tmp/up/a` but not `/tmp/upload-evil`. Lexical only, so
//! pass canonical paths (FilePolicy::resolve() gives one); false unless both are absolute.
bool isInside(const QString &path, const QString &root, Qt::CaseSensitivity cs = Qt::CaseSensitive);

//! Decides which files `GET /gradio_api/file=<path>` may serve (spec 6.4 and its advisories, 8.5).
//!
//! A request is admitted when it is a plain absolute path (no scheme, drive letter, `//` or
//! backslash in any form, no control character, no `.` or `..` component, not ending in `/`, at
//! most 4096 characters; the same once more after decoding any `%XX` left in it, so a
//! double-encoded `%252e%252e` is caught), names an existing readable regular file once every
//! symlink is resolved, is inside no blocked path (blocked paths win), and is inside the upload
//! folder, the cache folder or an allowed path with no component below that root starting with a
//! dot. A dotfile or dot-folder is therefore served only when an allowed path names it (or a
//! folder inside it) itself. Everything is compared after resolving symlinks, so a link from inside
//! a root to outside is refused and a link between two admitted places is followed.
//!
//! Every refusal is the same `std::nullopt`: a missing file and a forbidden one look alike to a
//! client (no existence oracle); the reason goes to the `qradio.files` debug log.
//!
//! POSIX paths only: a drive-letter path (`C:/x`) is refused like a scheme, so a Windows build
//! would first need to admit `X:/` prefixes here.
//!
//! Roots are resolved on each call, so they may be created after configuration; const calls are
//! safe from any thread once configured.
//! \code
//! FilePolicy policy;
//! policy.setUploadDir(uploadDir);
//! policy.setAllowedPaths({u"/srv/app/assets"_s});
//! policy.setBlockedPaths({u"/srv/app/assets/private"_s});
//! if (const auto file = policy.resolve(request.path.mid(prefixLength)))
//!     serve(file->path);
//! else
//!     return Response::error(403, u"File not allowed: %1."_s.arg(...));
//! \endcode
class FilePolicy
{
public:
    //! Blocked paths compare case-insensitively on Windows and macOS, whose usual file systems
    //! ignore case (`/Secret` and `/secret` are one file there), and case-sensitively elsewhere.
    static Qt::CaseSensitivity defaultBlockedCaseSensitivity();

    //! Relative paths below are made absolute against the working directory when set.
    void setUploadDir(const QString &dir);
    QString uploadDir() const { return m_uploadDir; }
    void setCacheDir(const QString &dir);
    QString cacheDir() const { return m_cacheDir; }
    //! Folders or single files the developer allows.
    void setAllowedPaths(const QStringList &paths);
    //! Folders or single files never served, even inside an allowed root.
    void setBlockedPaths(const QStringList &paths);
    void setBlockedCaseSensitivity(Qt::CaseSensitivity cs) { m_blockedCase = cs; }

    //! The file `requested` names (the percent-decoded text after `file=` or `file/`), or
    //! nullopt. For a FileData input ("was it uploaded?") accept only `root == Root::Upload`.
    std::optional<ServableFile> resolve(const QString &requested) const;

private:
    bool isBlocked(const QString &canonical, const QString &lexical) const;
    std::optional<Root> rootOf(const QString &canonical) const;

    QString m_uploadDir;
    QString m_cacheDir;
    QStringList m_allowed;
    QStringList m_blocked;
    Qt::CaseSensitivity m_blockedCase = defaultBlockedCaseSensitivity();
};

} // namespace qradio::files
