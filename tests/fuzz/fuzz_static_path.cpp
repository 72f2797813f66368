// SPDX-License-Identifier: MIT
// libFuzzer target for what a Server::serveFolder() mount serves: staticRelativePath() on the
// request path as the client encoded it, then StaticFolder::resolve(). A real tree is made once:
// the served folder with files, a folder index, dotfiles and a dot-folder, symlinks leading out
// (to a file and to a folder) and staying in (to a file and to a dotfile), and a secret beside it.
// Oracle: an accepted path is relative, bounded, free of backslashes, control characters and
// empty, `.`, `..` or dot-named segments; whatever resolves is a regular file, canonical, inside
// the folder, without a dot component below it, and never the secret.
#include "files/staticfolder.h"
#include "files/staticpath.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>

#include <cstdint>
#include <cstdlib>

using qradio::files::StaticFolder;

namespace {

void require(bool condition)
{
    if (!condition)
        std::abort();
}

struct Tree
{
    QTemporaryDir dir;
    QString site, secret;
    std::unique_ptr<StaticFolder> folder;

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
        site = root + QStringLiteral("/site");
        secret = root + QStringLiteral("/secret/passwd");
        for (const char *file : {"/index.html", "/app.js", "/assets/index-3f9a1c2b.js", "/docs/index.html",
                                 "/.env", "/.git/config", "/sub/.hidden.txt", "/sub/plain.txt"})
            write(site + QLatin1String(file));
        QDir().mkpath(site + QStringLiteral("/empty"));
        write(secret);
        QFile::link(secret, site + QStringLiteral("/link-out.txt"));
        QFile::link(root + QStringLiteral("/secret"), site + QStringLiteral("/dirlink"));
        QFile::link(site + QStringLiteral("/app.js"), site + QStringLiteral("/link-in.js"));
        QFile::link(site + QStringLiteral("/.env"), site + QStringLiteral("/sub/dotlink.txt"));
        folder = std::make_unique<StaticFolder>(site, qradio::StaticFolderOptions{.spaFallback = true});
    }
};

Tree *tree = nullptr;

} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static QCoreApplication app(*argc, *argv);
    tree = new Tree;
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView encoded(reinterpret_cast<const char *>(data), qsizetype(size));
    const std::optional<QString> relative = qradio::files::staticRelativePath(encoded);
    if (!relative)
        return 0;
    require(relative->size() <= qradio::files::kMaxStaticPath);
    require(!relative->startsWith(QLatin1Char('/')) && !relative->contains(QLatin1Char('\\')));
    const QStringList parts = relative->split(QLatin1Char('/'));
    for (qsizetype i = 0; i < parts.size(); ++i) {
        const QString &part = parts[i];
        require(!part.isEmpty() || i + 1 == parts.size());
        require(!part.startsWith(QLatin1Char('.')));
        for (const QChar ch : part)
            require(ch.category() != QChar::Other_Control);
    }
    (void)qradio::files::isHashedName(*relative);
    (void)qradio::files::hasExtension(*relative);

    const StaticFolder::Target target = tree->folder->resolve(*relative);
    if (target.kind != StaticFolder::Target::Kind::File)
        return 0;
    const QFileInfo info(target.path);
    require(info.isFile() && !info.isSymLink());
    require(info.canonicalFilePath() == target.path);
    require(target.path.startsWith(tree->site + QLatin1Char('/')) && target.path != tree->secret);
    for (const QString &part : target.path.mid(tree->site.size() + 1).split(QLatin1Char('/')))
        require(!part.startsWith(QLatin1Char('.')));
    return 0;
}
