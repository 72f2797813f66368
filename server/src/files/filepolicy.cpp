// SPDX-License-Identifier: MIT
#include "filepolicy.h"

#include "../http/syntax.h"

#include <QDir>
#include <QFileInfo>

namespace qradio::files {

Q_LOGGING_CATEGORY(lcFiles, "qradio.files", QtInfoMsg) // refusals are debug: off unless asked for

namespace {

constexpr qsizetype kMaxPathLength = 4096; // PATH_MAX; longer cannot name a file here anyway

//! Decodes each valid `%XX` once; anything else stays as it is (QByteArray::fromPercentEncoding
//! would read `%.t` as a byte).
QString decodeEscapes(const QString &text)
{
    const QByteArray utf8 = text.toUtf8();
    QByteArray out;
    out.reserve(utf8.size());
    for (qsizetype i = 0; i < utf8.size(); ++i) {
        if (utf8[i] == '%' && i + 2 < utf8.size() && http::hexValue(utf8[i + 1]) >= 0 && http::hexValue(utf8[i + 2]) >= 0) {
            out.append(char(http::hexValue(utf8[i + 1]) * 16 + http::hexValue(utf8[i + 2])));
            i += 2;
        } else {
            out.append(utf8[i]);
        }
    }
    return QString::fromUtf8(out);
}

//! Why `text` is not a plain absolute path, or nullptr when it is one.
const char *malformation(const QString &text)
{
    if (text.isEmpty())
        return "empty";
    if (text.size() > kMaxPathLength)
        return "too long";
    // Also refuses every scheme (`http:`, `file:`) and drive letter (`C:`): none starts with '/'.
    if (!text.startsWith(u'/'))
        return "not absolute";
    if (text.startsWith(u"//"))
        return "UNC or network path";
    for (const QChar ch : text) {
        if (ch == u'\\')
            return "backslash";
        if (ch.category() == QChar::Other_Control)
            return "control character";
    }
    if (text.endsWith(u'/'))
        return "names a folder";
    for (const QStringView part : QStringView(text).split(u'/')) {
        if (part == u"." || part == u"..")
            return "dot segment";
    }
    return nullptr;
}

//! `path` canonical when it exists, else cleaned; empty when `path` is empty.
QString canonicalOrClean(const QString &path)
{
    if (path.isEmpty())
        return {};
    const QString canonical = QFileInfo(path).canonicalFilePath();
    return canonical.isEmpty() ? QDir::cleanPath(path) : canonical;
}

QString absoluteClean(const QString &path)
{
    return path.isEmpty() ? QString() : QDir::cleanPath(QFileInfo(path).absoluteFilePath());
}

QStringList absoluteClean(const QStringList &paths)
{
    QStringList out;
    for (const QString &path : paths) {
        if (!path.isEmpty())
            out.append(absoluteClean(path));
    }
    return out;
}

//! True when no component of `path` below `root` starts with a dot; `path` is inside `root`.
bool hasNoDotBelow(const QString &path, const QString &root)
{
    if (path.size() == root.size())
        return true;
    const QStringView below = QStringView(path).sliced(root.endsWith(u'/') ? root.size() : root.size() + 1);
    for (const QStringView part : below.split(u'/')) {
        if (part.startsWith(u'.'))
            return false;
    }
    return true;
}

std::nullopt_t refuse(const char *reason, const QString &requested)
{
    qCDebug(lcFiles) << "refused" << requested << "-" << reason;
    return std::nullopt;
}

} // namespace

bool isInside(const QString &path, const QString &root, Qt::CaseSensitivity cs)
{
    if (!QDir::isAbsolutePath(path) || !QDir::isAbsolutePath(root))
        return false;
    const QString p = QDir::cleanPath(path);
    const QString r = QDir::cleanPath(root);
    if (!p.startsWith(r, cs))
        return false;
    return p.size() == r.size() || r.endsWith(u'/') || p[r.size()] == u'/';
}

Qt::CaseSensitivity FilePolicy::defaultBlockedCaseSensitivity()
{
#if defined(Q_OS_WIN) || defined(Q_OS_DARWIN)
    return Qt::CaseInsensitive;
#else
    return Qt::CaseSensitive;
#endif
}

void FilePolicy::setUploadDir(const QString &dir)
{
    m_uploadDir = absoluteClean(dir);
}

void FilePolicy::setCacheDir(const QString &dir)
{
    m_cacheDir = absoluteClean(dir);
}

void FilePolicy::setAllowedPaths(const QStringList &paths)
{
    m_allowed = absoluteClean(paths);
}

void FilePolicy::setBlockedPaths(const QStringList &paths)
{
    m_blocked = absoluteClean(paths);
}

std::optional<ServableFile> FilePolicy::resolve(const QString &requested) const
{
    if (const char *why = malformation(requested))
        return refuse(why, requested);
    const QString decoded = decodeEscapes(requested);
    if (decoded != requested) {
        if (const char *why = malformation(decoded))
            return refuse(why, requested); // encoded twice: a proxy or the file system may decode again
    }

    const QString lexical = QDir::cleanPath(requested);
    const QString canonical = QFileInfo(lexical).canonicalFilePath();
    if (canonical.isEmpty())
        return refuse("missing", requested);
    const QFileInfo target(canonical);
    if (!target.isFile() || !target.isReadable()) // isFile(): regular files only, no FIFO or device
        return refuse("not a readable regular file", requested);
    if (isBlocked(canonical, lexical))
        return refuse("blocked", requested);
    if (const std::optional<Root> root = rootOf(canonical))
        return ServableFile{canonical, *root};
    return refuse("outside every root, or a dot name below one", requested);
}

bool FilePolicy::isBlocked(const QString &canonical, const QString &lexical) const
{
    for (const QString &blocked : m_blocked) {
        for (const QString &form : {blocked, canonicalOrClean(blocked)}) {
            if (isInside(canonical, form, m_blockedCase) || isInside(lexical, form, m_blockedCase))
                return true;
        }
    }
    return false;
}

std::optional<Root> FilePolicy::rootOf(const QString &canonical) const
{
    const auto admits = [&canonical](const QString &configured) {
        if (configured.isEmpty())
            return false;
        const QString root = QFileInfo(configured).canonicalFilePath();
        return !root.isEmpty() && isInside(canonical, root) && hasNoDotBelow(canonical, root);
    };
    if (admits(m_uploadDir))
        return Root::Upload;
    if (admits(m_cacheDir))
        return Root::Cache;
    for (const QString &allowed : m_allowed) {
        if (admits(allowed))
            return Root::Allowed;
    }
    return std::nullopt;
}

} // namespace qradio::files
