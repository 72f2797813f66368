// SPDX-License-Identifier: MIT
#include "filestore.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>

namespace qradio::files {

//! Creates `path` (and its parents) readable by the owner only.
static bool makePrivateDir(const QString &path)
{
    if (!QDir().mkpath(path))
        return false;
    return QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
}

FileStore::FileStore(const ServerOptions &options)
{
    QString root = options.fileDir;
    if (root.isEmpty()) {
        QTemporaryDir made(QDir::tempPath() + QStringLiteral("/qradio-XXXXXX")); // mode 0700
        if (!made.isValid()) {
            m_error = QStringLiteral("cannot create a file folder under %1: %2").arg(QDir::tempPath(), made.errorString());
            return;
        }
        made.setAutoRemove(false);
        root = m_privateRoot = made.path();
    }
    const QString upload = root + QStringLiteral("/upload");
    const QString cache = root + QStringLiteral("/cache");
    if (!makePrivateDir(upload) || !makePrivateDir(cache)) {
        m_error = QStringLiteral("cannot create the file folders under %1").arg(root);
        return;
    }
    m_policy.setUploadDir(upload);
    m_policy.setCacheDir(cache);
    m_policy.setAllowedPaths(options.allowedPaths);
    m_policy.setBlockedPaths(options.blockedPaths);
    m_resultPolicy = m_policy;
    m_resultPolicy.setAllowedPaths(options.allowedPaths + QStringList{QDir::tempPath()});
}

int FileStore::sweep(std::chrono::seconds age) const
{
    const QDateTime before = QDateTime::currentDateTimeUtc().addSecs(-age.count());
    int removed = 0;
    for (const QString &root : {uploadDir(), cacheDir()}) {
        const QFileInfoList entries = QDir(root).entryInfoList(QDir::Dirs | QDir::Files | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System);
        for (const QFileInfo &entry : entries) {
            if (age.count() > 0 && entry.lastModified().toUTC() > before)
                continue;
            if (entry.isDir() && !entry.isSymLink() ? QDir(entry.filePath()).removeRecursively() : QFile::remove(entry.filePath()))
                ++removed;
        }
    }
    return removed;
}

FileStore::~FileStore()
{
    if (!m_privateRoot.isEmpty())
        QDir(m_privateRoot).removeRecursively();
}

} // namespace qradio::files
