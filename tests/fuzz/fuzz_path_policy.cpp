// SPDX-License-Identifier: MIT
// libFuzzer target for qradio::files::FilePolicy, what GET /gradio_api/file= serves. A real tree
// is made once: upload and cache roots, an allowed folder with a blocked folder inside, a secret
// outside, dotfiles, and symlinks leading out and staying in. The input is the request's path
// text (the first byte picks a prefix, so that inputs start inside a root as often as not).
// Oracle: whatever is admitted is a regular file, canonical, inside the root it is reported
// under, outside every blocked path, without a dot component below its root, never the secret.
#include "files/filepolicy.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>

#include <cstdint>
#include <cstdlib>

using qradio::files::FilePolicy;
using qradio::files::Root;

namespace {

void require(bool condition)
{
    if (!condition)
        std::abort();
}

struct Tree
{
    QTemporaryDir dir;
    FilePolicy policy;
    QString upload, cache, allowed, blocked, secret;

    static void write(const QString &path)
    {
        QDir().mkpath(QFileInfo(path).path());
        QFile f(path);
        f.open(QIODevice::WriteOnly);
        f.write("x");
    }
    Tree()
    {
        const QString root = QFileInfo(dir.path()).canonicalFilePath();
        upload = root + QStringLiteral("/files/upload");
        cache = root + QStringLiteral("/files/cache");
        allowed = root + QStringLiteral("/allowed");
        blocked = allowed + QStringLiteral("/blocked");
        secret = root + QStringLiteral("/secret/passwd");
        write(upload + QStringLiteral("/abc/cat.txt"));
        write(upload + QStringLiteral("/abc/.env"));
        write(upload + QStringLiteral("/.hidden/x.txt"));
        write(cache + QStringLiteral("/def/result.json"));
        write(allowed + QStringLiteral("/notes.txt"));
        write(blocked + QStringLiteral("/hidden.txt"));
        write(secret);
        QFile::link(secret, upload + QStringLiteral("/abc/out.txt"));
        QFile::link(root + QStringLiteral("/secret"), upload + QStringLiteral("/abc/outdir"));
        QFile::link(upload + QStringLiteral("/abc/cat.txt"), cache + QStringLiteral("/def/in.txt"));
        QFile::link(blocked + QStringLiteral("/hidden.txt"), allowed + QStringLiteral("/via.txt"));
        policy.setUploadDir(upload);
        policy.setCacheDir(cache);
        policy.setAllowedPaths({allowed});
        policy.setBlockedPaths({blocked});
    }
    QString rootOf(Root r) const { return r == Root::Upload ? upload : r == Root::Cache ? cache : allowed; }
};

Tree *tree = nullptr;

bool inside(const QString &path, const QString &root)
{
    return path.startsWith(root + QLatin1Char('/'));
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static QCoreApplication app(*argc, *argv);
    tree = new Tree;
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const QString prefixes[] = {tree->upload + QLatin1Char('/'), tree->cache + QLatin1Char('/'), tree->allowed + QLatin1Char('/'), QString()};
    const QString requested = prefixes[data[0] % 4] + QString::fromUtf8(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    const auto found = tree->policy.resolve(requested);
    if (!found)
        return 0;
    const QFileInfo info(found->path);
    require(info.isFile() && !info.isSymLink());
    require(info.canonicalFilePath() == found->path);
    const QString root = tree->rootOf(found->root);
    require(inside(found->path, root));
    require(!inside(found->path, tree->blocked) && found->path != tree->secret);
    for (const QString &part : found->path.mid(root.size() + 1).split(QLatin1Char('/')))
        require(!part.startsWith(QLatin1Char('.')));
    return 0;
}
