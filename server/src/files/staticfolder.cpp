// SPDX-License-Identifier: MIT
#include "staticfolder.h"

#include "filepolicy.h"
#include "fileresponse.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>

namespace qradio::files {

namespace {

//! True when no component of `path` below `root` starts with a dot (a symlink inside the folder
//! may lead to a dotfile elsewhere in it).
bool noDotBelow(const QString &path, const QString &root)
{
    if (path.size() <= root.size())
        return true;
    for (const QStringView part : QStringView(path).sliced(root.size() + (root.endsWith(u'/') ? 0 : 1)).split(u'/')) {
        if (part.startsWith(u'.'))
            return false;
    }
    return true;
}

bool isResourcePath(const QString &path)
{
    return path.startsWith(u':') || path.startsWith(u"qrc:", Qt::CaseInsensitive);
}

} // namespace

StaticFolder::StaticFolder(const QString &folder, const StaticFolderOptions &options)
    : m_resource(isResourcePath(folder)), m_options(options)
{
    if (m_resource) {
        // qrc:/x and :/x name the same resource.
        QString path = folder.startsWith(u':') ? folder.mid(1) : folder.mid(4);
        m_folder = QLatin1Char(':') + QDir::cleanPath(QLatin1Char('/') + path);
    } else {
        m_folder = QDir::cleanPath(QFileInfo(folder).absoluteFilePath());
    }
    if (m_options.indexFile.isEmpty() || m_options.indexFile.contains(u'/') || m_options.indexFile.startsWith(u'.'))
        m_options.indexFile = QStringLiteral("index.html");
}

StaticFolder::Target StaticFolder::resolve(const QString &relative) const
{
    if (m_resource)
        return find(m_folder, relative);
    const QString root = QFileInfo(m_folder).canonicalFilePath();
    if (root.isEmpty())
        return {};
    return find(root, relative);
}

StaticFolder::Target StaticFolder::find(const QString &root, const QString &relative) const
{
    const bool wantsFolder = relative.isEmpty() || relative.endsWith(u'/');
    QString path = root;
    if (!relative.isEmpty())
        path += QLatin1Char('/') + (wantsFolder ? relative.chopped(1) : relative);
    // Resources have no symlinks; on disk every link is resolved and the result must stay inside.
    const auto admitted = [&](const QString &candidate) -> QString {
        if (m_resource)
            return QFileInfo::exists(candidate) ? candidate : QString();
        const QString canonical = QFileInfo(candidate).canonicalFilePath();
        if (canonical.isEmpty() || !isInside(canonical, root) || !noDotBelow(canonical, root))
            return {};
        return canonical;
    };
    const QString found = admitted(path);
    if (found.isEmpty())
        return {};
    const QFileInfo info(found);
    if (info.isDir()) {
        if (!wantsFolder)
            return {Target::Kind::NeedsSlash, {}};
        const QString index = admitted(found + QLatin1Char('/') + m_options.indexFile);
        if (index.isEmpty() || !QFileInfo(index).isFile())
            return {}; // no listings
        return {Target::Kind::File, index};
    }
    if (wantsFolder || !info.isFile() || !info.isReadable()) // isFile(): no FIFO or device
        return {};
    return {Target::Kind::File, found};
}

QByteArray StaticFolder::etag(const QFileInfo &file) const
{
    if (!m_resource)
        return etagFor(file);
    const QString path = file.filePath();
    {
        QMutexLocker lock(&m_mutex);
        if (const auto it = m_resourceTags.constFind(path); it != m_resourceTags.cend())
            return *it;
    }
    QCryptographicHash hash(QCryptographicHash::Sha256);
    QFile f(path);
    if (f.open(QIODevice::ReadOnly))
        hash.addData(&f);
    const QByteArray tag = '"' + hash.result().first(16).toHex() + '"';
    QMutexLocker lock(&m_mutex);
    m_resourceTags.insert(path, tag);
    return tag;
}

} // namespace qradio::files
