// SPDX-License-Identifier: MIT
// Serving files safely, on a real temporary tree: which paths FilePolicy admits (Gradio's file=
// advisories: traversal, double encoding, UNC, schemes, symlinks, dotfiles, blocked paths), the
// names uploads are stored under, and the Range / ETag / conditional / header decisions.
#include "files/filename.h"
#include "files/filepolicy.h"
#include "files/fileresponse.h"

#include <QtTest>

#ifdef Q_OS_UNIX
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

using namespace qradio::files;

namespace {

const QByteArray kPng = QByteArray("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16) + QByteArray(32, '\0');

QString rootName(Root root)
{
    switch (root) {
    case Root::Upload: return QStringLiteral("upload");
    case Root::Cache: return QStringLiteral("cache");
    case Root::Allowed: return QStringLiteral("allowed");
    }
    return {};
}

QByteArray header(const FileResponse &r, QByteArrayView name)
{
    for (const auto &[key, value] : r.headers) {
        if (QByteArrayView(key).compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

} // namespace

class tst_Files : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    QString m_base; //!< canonical path of m_tmp
    QString m_oldCwd;
    FilePolicy m_policy;
    const QDateTime m_mtime{QDate(2024, 1, 2), QTime(3, 4, 5), QTimeZone::utc()};

    QString at(const QString &rel) const { return m_base + u'/' + rel; }
    void write(const QString &rel, const QByteArray &content)
    {
        QVERIFY(QDir().mkpath(QFileInfo(at(rel)).absolutePath()));
        QFile f(at(rel));
        QVERIFY(f.open(QIODevice::WriteOnly));
        QCOMPARE(f.write(content), content.size());
    }
    void link(const QString &target, const QString &rel) { QVERIFY(QFile::link(at(target), at(rel))); }

private slots:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        m_base = QFileInfo(m_tmp.path()).canonicalFilePath();
        write("upload/abc/cat.png", kPng);
        write("upload/abc/notes.txt", "hello");
        write("upload/abc/a b#1%.txt", "x");
        write("upload/abc/100%25.txt", "x");
        write("upload/abc/ünïcödé 猫.txt", "x");
        write("upload/abc/.env", "SECRET=1");
        write("upload/.git/config", "x");
        write("upload-evil/x.txt", "x");
        write("cache/def/out.wav", "RIFF");
        write("allowed/public.txt", "x");
        write("allowed/public2.txt", "x");
        write("allowed/.env", "x");
        write("allowed/.config/app.json", "{}");
        write("allowed/.well-known/security.txt", "x");
        write("allowed/blocked/secret.txt", "x");
        write("extra/.secretfile", "x");
        write("outside/secret.txt", "x");
        write("secret.txt", "x");
        link("upload/abc/notes.txt", "upload/link-in");
        link("secret.txt", "upload/link-out");
        link("outside", "upload/dirlink-out");
        link("nowhere", "upload/broken");
        link("upload/abc/.env", "upload/abc/envlink");
        link("allowed/blocked/secret.txt", "allowed/to-blocked");
        link("allowed/public2.txt", "allowed/alias");
        link("upload/abc/cat.png", "outside/link-to-cat");
        link("cache", "cache-link");
#ifdef Q_OS_UNIX
        QCOMPARE(::mkfifo(QFile::encodeName(at("upload/abc/pipe")).constData(), 0600), 0);
#endif
        m_policy.setUploadDir(at("upload"));
        m_policy.setCacheDir(at("cache-link"));
        m_policy.setAllowedPaths({at("allowed"), at("allowed/.well-known"), at("extra/.secretfile")});
        m_policy.setBlockedPaths({at("allowed/blocked"), at("allowed/alias")});
        m_oldCwd = QDir::currentPath();
        QDir::setCurrent(at("upload")); // so that a relative request would name a real file
    }
    void cleanupTestCase() { QDir::setCurrent(m_oldCwd); }

    void refused_data()
    {
        QTest::addColumn<QString>("requested");
        const QString up = at("upload");
        const auto row = [](const char *name, const QString &path) { QTest::newRow(name) << path; };
        row("../", up + "/../secret.txt");
        row("../ deep", up + "/abc/../../secret.txt");
        row("%2e%2e/ (sent as %252e%252e)", up + "/%2e%2e/secret.txt");
        row("%2E%2e/ mixed case", up + "/%2E%2e/secret.txt");
        row("%252e%252e/ (triple-encoded)", up + "/%252e%252e/secret.txt");
        row("..%2f", up + "/abc/..%2f..%2fsecret.txt");
        row("%2f..%2f", up + "/abc%2f..%2f..%2fsecret.txt");
        row("..\\", up + "/abc/..\\..\\secret.txt");
        row("/.. at end", up + "/abc/..");
        row("/. at end", up + "/abc/notes.txt/.");
        row("/./ inside", up + "/./abc/notes.txt");
        row("trailing /", up + "/abc/notes.txt/");
        row("absolute outside", at("secret.txt"));
        row("/etc/passwd", "/etc/passwd");
        row("//host/share", "//host/share/secret.txt");
        row("\\\\host\\share", "\\\\host\\share\\secret.txt");
        row("\\/host", "\\/host/share");
        row("/\\host", "/\\host\\share");
        row("/%2F%2Fhost", "/%2F%2Fhost/share");
        row("file:///etc/passwd", "file:///etc/passwd");
        row("file:// to an admitted file", "file://" + up + "/abc/notes.txt");
        row("http://x", "http://x");
        row("https URL", "https://example.com/cat.png");
        row("C:/x", "C:/x");
        row("C:\\x", "C:\\x");
        row("NUL", up + "/abc/notes.txt" + QChar(0) + ".png");
        row("%00", up + "/abc/notes.txt%00.png");
        row("newline", up + "/abc/notes.txt\n");
        row("C1 control", up + "/abc/\u0085notes.txt");
        row("very long", up + '/' + QString(5000, u'a'));
        row("long, missing", up + QString("/x").repeated(1000) + "/notes.txt");
        row("empty", QString());
        row("/", "/");
        row("relative", "abc/notes.txt");
        row("./relative", "./abc/notes.txt");
        row("directory", up + "/abc");
        row("upload root", up);
        row("missing", up + "/abc/missing.txt");
        row("sibling with root as prefix", at("upload-evil/x.txt"));
        row("symlink inside -> outside", up + "/link-out");
        row("symlinked folder -> outside", up + "/dirlink-out/secret.txt");
        row("broken symlink", up + "/broken");
        row("dotfile", up + "/abc/.env");
        row("dot folder", up + "/.git/config");
        row("symlink to a dotfile", up + "/abc/envlink");
        row("dotfile under allowed path", at("allowed/.env"));
        row("dot folder under allowed path", at("allowed/.config/app.json"));
        row("blocked inside allowed", at("allowed/blocked/secret.txt"));
        row("blocked folder", at("allowed/blocked"));
        row("symlink into blocked", at("allowed/to-blocked"));
        row("target of a blocked symlink", at("allowed/public2.txt"));
        row("blocked symlink", at("allowed/alias"));
        row("fifo", up + "/abc/pipe");
    }
    void refused()
    {
        QFETCH(QString, requested);
        // One refusal kind: nullopt, whether the file is missing, malformed or forbidden.
        const std::optional<ServableFile> file = m_policy.resolve(requested);
        QVERIFY2(!file, qPrintable(file ? file->path : QString()));
    }

    void admitted_data()
    {
        QTest::addColumn<QString>("requested");
        QTest::addColumn<QString>("canonical");
        QTest::addColumn<QString>("root");
        const auto row = [this](const char *name, const char *req, const char *canonical, const char *root) {
            QTest::newRow(name) << at(req) << at(canonical) << QString::fromLatin1(root);
        };
        row("upload", "upload/abc/cat.png", "upload/abc/cat.png", "upload");
        row("space # %", "upload/abc/a b#1%.txt", "upload/abc/a b#1%.txt", "upload");
        row("literal %25 in a name", "upload/abc/100%25.txt", "upload/abc/100%25.txt", "upload");
        row("unicode", "upload/abc/ünïcödé 猫.txt", "upload/abc/ünïcödé 猫.txt", "upload");
        row("doubled slashes inside", "upload//abc//cat.png", "upload/abc/cat.png", "upload");
        row("symlink inside -> inside", "upload/link-in", "upload/abc/notes.txt", "upload");
        row("symlink outside -> inside", "outside/link-to-cat", "upload/abc/cat.png", "upload");
        row("cache through its symlinked root", "cache-link/def/out.wav", "cache/def/out.wav", "cache");
        row("cache by its real path", "cache/def/out.wav", "cache/def/out.wav", "cache");
        row("allowed", "allowed/public.txt", "allowed/public.txt", "allowed");
        row("dot folder named by allowed path", "allowed/.well-known/security.txt",
            "allowed/.well-known/security.txt", "allowed");
        row("dotfile named by allowed path", "extra/.secretfile", "extra/.secretfile", "allowed");
    }
    void admitted()
    {
        QFETCH(QString, requested);
        QFETCH(QString, canonical);
        QFETCH(QString, root);
        const std::optional<ServableFile> file = m_policy.resolve(requested);
        QVERIFY(file);
        QCOMPARE(file->path, canonical);
        QCOMPARE(rootName(file->root), root);
    }

    void blockedCase_data()
    {
        QTest::addColumn<int>("sensitivity");
        QTest::addColumn<bool>("admitted");
        QTest::newRow("insensitive (Windows, macOS)") << int(Qt::CaseInsensitive) << false;
        QTest::newRow("sensitive (elsewhere)") << int(Qt::CaseSensitive) << true;
    }
    void blockedCase()
    {
        QFETCH(int, sensitivity);
        QFETCH(bool, admitted);
        FilePolicy policy;
        policy.setAllowedPaths({at("allowed")});
        policy.setBlockedPaths({at("allowed/BLOCKED")});
        policy.setBlockedCaseSensitivity(Qt::CaseSensitivity(sensitivity));
        QCOMPARE(policy.resolve(at("allowed/blocked/secret.txt")).has_value(), admitted);
#if defined(Q_OS_LINUX)
        QCOMPARE(FilePolicy::defaultBlockedCaseSensitivity(), Qt::CaseSensitive);
#endif
    }

    void unreadable()
    {
        write("upload/abc/locked.txt", "x");
        write("upload/abc/open.txt", "x");
        QVERIFY(QFile::setPermissions(at("upload/abc/locked.txt"), {}));
#ifdef Q_OS_UNIX
        if (::geteuid() == 0) {
            // Root reads every file: check as an unprivileged user, in a child process, with the
            // tree traversable by others and a readable file beside as the control.
            for (QString dir = at("upload/abc"); dir.size() > 1 && dir != QDir::tempPath(); dir = QFileInfo(dir).path())
                QVERIFY(::chmod(QFile::encodeName(dir).constData(), 0755) == 0);
            QVERIFY(::chmod(QFile::encodeName(at("upload/abc/open.txt")).constData(), 0644) == 0);
            const pid_t child = ::fork();
            QVERIFY(child >= 0);
            if (child == 0) {
                const bool dropped = ::setgid(65534) == 0 && ::setuid(65534) == 0;
                const bool ok = dropped && !m_policy.resolve(at("upload/abc/locked.txt"))
                    && m_policy.resolve(at("upload/abc/open.txt")).has_value();
                ::_exit(ok ? 0 : 1);
            }
            int status = 0;
            QCOMPARE(::waitpid(child, &status, 0), child);
            QVERIFY(WIFEXITED(status));
            QCOMPARE(WEXITSTATUS(status), 0);
            return;
        }
#endif
        QVERIFY(!m_policy.resolve(at("upload/abc/locked.txt")));
        QVERIFY(m_policy.resolve(at("upload/abc/open.txt")).has_value());
    }

    void isInside_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("root");
        QTest::addColumn<int>("cs");
        QTest::addColumn<bool>("inside");
        const auto row = [](const char *name, const char *path, const char *root, bool inside,
                            Qt::CaseSensitivity cs = Qt::CaseSensitive) {
            QTest::newRow(name) << QString::fromLatin1(path) << QString::fromLatin1(root) << int(cs) << inside;
        };
        row("below", "/tmp/up/a", "/tmp/up", true);
        row("deep", "/tmp/up/a/b/c", "/tmp/up/", true);
        row("equal", "/tmp/up", "/tmp/up", true);
        row("equal, trailing /", "/tmp/up/", "/tmp/up", true);
        row("prefix is not a parent", "/tmp/upload-evil/x", "/tmp/up", false);
        row("shorter", "/tmp/u", "/tmp/up", false);
        row(".. leaves", "/tmp/up/../x", "/tmp/up", false);
        row("filesystem root", "/x", "/", true);
        row("relative path", "tmp/up/a", "/", false);
        row("relative root", "/tmp/up/a", "tmp", false);
        row("case, sensitive", "/tmp/UP/a", "/tmp/up", false);
        row("case, insensitive", "/tmp/UP/a", "/tmp/up", true, Qt::CaseInsensitive);
    }
    void isInside()
    {
        QFETCH(QString, path);
        QFETCH(QString, root);
        QFETCH(int, cs);
        QFETCH(bool, inside);
        QCOMPARE(qradio::files::isInside(path, root, Qt::CaseSensitivity(cs)), inside);
    }

    void fileName_data()
    {
        QTest::addColumn<QString>("client");
        QTest::addColumn<QString>("stored"); // empty: a generated tmp<10 hex> name
        const auto row = [](const char *name, const QString &client, const QString &stored) {
            QTest::newRow(name) << client << stored;
        };
        row("plain", "cat.png", "cat.png");
        row("posix path", "/home/u/cat.png", "cat.png");
        row("windows path", "C:\\Users\\u\\cat.png", "cat.png");
        row("relative node path", "./data/cat.png", "cat.png");
        row("forbidden", "a<b>c:d\"e|f?g*h.txt", "abcdefgh.txt");
        row("shell characters", "`$!{}x.txt", "x.txt");
        row("controls", QString("a\tb\nc") + QChar(0) + "d\u007f\u0085.txt", "abcd.txt");
        row("bidi override", "\u202Egnp.exe", "gnp.exe");
        row("lone surrogate", QString("a") + QChar(0xD800) + "b.txt", "ab.txt");
        row("keeps # % and spaces", "a b#1%.txt", "a b#1%.txt");
        row("unicode", "résumé 猫 😀.pdf", "résumé 猫 😀.pdf");
        row("empty stem", ".png", "file.png");
        row("stem removed", "<>.png", "file.png");
        row("dotfile", ".env", "file.env");
        row("leading dots", "..a.png", "a.png");
        row("dotfile with extension", ".bashrc.bak", "bashrc.bak");
        row("surrounding spaces", "  spaced  .txt ", "spaced  .txt");
        row("trailing dots", "name. . .", "name");
        row("CON", "CON", "_CON");
        row("con.txt", "con.txt", "_con.txt");
        row("Lpt9.tar.gz", "Lpt9.tar.gz", "_Lpt9.tar.gz");
        row("COM1", "COM1", "_COM1");
        row("COM superscript", "COM\u00B9.txt", "_COM\u00B9.txt");
        row("nul + space", "nul ", "_nul");
        row("aux + dot", "aux.", "_aux");
        row("CONSOLE is fine", "CONSOLE.txt", "CONSOLE.txt");
        row("COM10 is fine", "COM10", "COM10");
        row("200 bytes kept", QString(196, u'a') + ".png", QString(196, u'a') + ".png");
        row("long ascii", QString(300, u'a') + ".png", QString(196, u'a') + ".png");
        row("long 3-byte", QString(100, u'猫') + ".png", QString(65, u'猫') + ".png");
        row("long 4-byte", QString("😀").repeated(60) + ".txt", QString("😀").repeated(49) + ".txt");
        row("long, no extension", QString(250, u'b'), QString(200, u'b'));
        row("long extension is name", QString(10, u'c') + '.' + QString(250, u'd'),
            QString(10, u'c') + '.' + QString(189, u'd'));
        row("empty", "", "");
        row(".", ".", "");
        row("..", "..", "");
        row("...", "...", "");
        row("a/..", "a/..", "");
        row("/", "/", "");
        row("\\", "\\", "");
        row("spaces", "   ", "");
        row("only forbidden", "<>:*", "");
    }
    void fileName()
    {
        QFETCH(QString, client);
        QFETCH(QString, stored);
        const QString name = sanitizeFileName(client);
        if (stored.isEmpty())
            QVERIFY2(QRegularExpression("^tmp[0-9a-f]{10}$").match(name).hasMatch(), qPrintable(name));
        else
            QCOMPARE(name, stored);
        QVERIFY(name.toUtf8().size() <= 200);
        QVERIFY(!name.startsWith(u'.') && !name.contains(u'/') && !name.contains(u'\\'));
        QCOMPARE(QString::fromUtf8(name.toUtf8()), name); // no half character
    }

    void folderName()
    {
        const QString a = uniqueFolderName();
        QVERIFY2(QRegularExpression("^[0-9a-f]{64}$").match(a).hasMatch(), qPrintable(a));
        QVERIFY(a != uniqueFolderName());
    }

    void range_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<qint64>("size");
        QTest::addColumn<QString>("expected"); // "whole", "416" or "first-last"
        const auto row = [](const char *h, qint64 size, const char *expected) {
            QTest::addRow("%s of %lld", h, size) << QByteArray(h) << size << QString::fromLatin1(expected);
        };
        row("", 100, "whole");
        row("bytes=0-49", 100, "0-49");
        row("bytes=50-", 100, "50-99");
        row("bytes=-10", 100, "90-99");
        row("bytes=-200", 100, "0-99");
        row("bytes=99-99", 100, "99-99");
        row("bytes=99-", 100, "99-99");
        row("bytes=90-1000", 100, "90-99");
        row("bytes=0-0", 1, "0-0");
        row("Bytes=0-1", 100, "0-1");
        row(" bytes=0-1 ", 100, "0-1");
        row("bytes=100-", 100, "416");
        row("bytes=100-200", 100, "416");
        row("bytes=-0", 100, "416");
        row("bytes=99999999999999999999-", 100, "416");
        row("bytes=0-99999999999999999999", 100, "0-99");
        row("bytes=-99999999999999999999", 100, "0-99");
        row("bytes=0-", 0, "whole");
        row("bytes=-5", 0, "whole");
        row("bytes=5-2", 100, "whole");
        row("bytes=0-1,5-6", 100, "whole");
        row("bytes=0-1,", 100, "whole");
        row("items=0-1", 100, "whole");
        row("bytes", 100, "whole");
        row("bytes=", 100, "whole");
        row("bytes=-", 100, "whole");
        row("bytes=abc", 100, "whole");
        row("bytes=1-2-3", 100, "whole");
        row("bytes=+1-2", 100, "whole");
        row("bytes=1--2", 100, "whole");
        row("bytes=0x1-2", 100, "whole");
    }
    void range()
    {
        QFETCH(QByteArray, header);
        QFETCH(qint64, size);
        QFETCH(QString, expected);
        const RangeRequest r = parseRange(header, size);
        QString got = r.kind == RangeRequest::Kind::Whole ? QStringLiteral("whole")
            : r.kind == RangeRequest::Kind::Unsatisfiable ? QStringLiteral("416")
            : QStringLiteral("%1-%2").arg(r.range.first).arg(r.range.last);
        QCOMPARE(got, expected);
    }

    void etag()
    {
        write("etag/a.bin", "12345");
        write("etag/b.bin", "12345");
        for (const char *f : {"etag/a.bin", "etag/b.bin"}) {
            QFile file(at(f));
            QVERIFY(file.open(QIODevice::ReadWrite));
            QVERIFY(file.setFileTime(m_mtime, QFileDevice::FileModificationTime));
        }
        const QByteArray a = etagFor(QFileInfo(at("etag/a.bin")));
        QVERIFY2(QRegularExpression("^\"[0-9a-f]{32}\"$").match(QString::fromLatin1(a)).hasMatch(), a);
        QCOMPARE(etagFor(QFileInfo(at("etag/a.bin"))), a);
#ifdef Q_OS_UNIX
        QVERIFY(etagFor(QFileInfo(at("etag/b.bin"))) != a); // same size and time, another inode
#endif
        QFile file(at("etag/a.bin"));
        QVERIFY(file.open(QIODevice::ReadWrite));
        QVERIFY(file.setFileTime(m_mtime.addSecs(1), QFileDevice::FileModificationTime));
        file.close();
        QVERIFY(etagFor(QFileInfo(at("etag/a.bin"))) != a);
    }

    void httpDates()
    {
        QCOMPARE(httpDate(QDateTime(QDate(1994, 11, 6), QTime(8, 49, 37), QTimeZone::utc())),
                 QByteArray("Sun, 06 Nov 1994 08:49:37 GMT"));
        QCOMPARE(httpDate(QDateTime(QDate(1994, 11, 6), QTime(10, 49, 37), QTimeZone(7200))),
                 QByteArray("Sun, 06 Nov 1994 08:49:37 GMT"));
        QCOMPARE(httpDate(QDateTime()), QByteArray());
    }

    void parseDates_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<bool>("valid");
        const auto row = [](const char *name, const char *text, bool valid) {
            QTest::newRow(name) << QByteArray(text) << valid;
        };
        row("IMF-fixdate", "Sun, 06 Nov 1994 08:49:37 GMT", true);
        row("RFC 850", "Sunday, 06-Nov-94 08:49:37 GMT", true);
        row("asctime", "Sun Nov  6 08:49:37 1994", true);
        row("not GMT", "Sun, 06 Nov 1994 08:49:37 UTC", false);
        row("31 Feb", "Sun, 31 Feb 1994 08:49:37 GMT", false);
        row("hour 25", "Sun, 06 Nov 1994 25:49:37 GMT", false);
        row("month case", "Sun, 06 nov 1994 08:49:37 GMT", false);
        row("garbage", "yesterday", false);
        row("empty", "", false);
    }
    void parseDates()
    {
        QFETCH(QByteArray, text);
        QFETCH(bool, valid);
        const QDateTime t = parseHttpDate(text);
        QCOMPARE(t.isValid(), valid);
        if (valid)
            QCOMPARE(t, QDateTime(QDate(1994, 11, 6), QTime(8, 49, 37), QTimeZone::utc()));
    }

    void ifNoneMatch_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<bool>("matches");
        const auto row = [](const char *name, const char *header, bool matches) {
            QTest::newRow(name) << QByteArray(header) << matches;
        };
        row("same", "\"abc\"", true);
        row("weak", "W/\"abc\"", true);
        row("in a list", "\"x\", W/\"y\" ,\"abc\"", true);
        row("empty elements", "\"x\",,\"abc\",", true);
        row("star", " * ", true);
        row("other", "\"x\"", false);
        row("unquoted", "abc", false);
        row("unterminated", "\"abc", false);
        row("malformed then same", "x, \"abc\"", false);
    }
    void ifNoneMatch()
    {
        QFETCH(QByteArray, header);
        QFETCH(bool, matches);
        QCOMPARE(ifNoneMatchMatches(header, "\"abc\""), matches);
    }

    void plan_data()
    {
        QTest::addColumn<QByteArray>("range");
        QTest::addColumn<QByteArray>("ifRange");
        QTest::addColumn<QByteArray>("ifNoneMatch");
        QTest::addColumn<QByteArray>("ifModifiedSince");
        QTest::addColumn<int>("status");
        QTest::addColumn<qint64>("offset");
        QTest::addColumn<qint64>("length");
        QTest::addColumn<QByteArray>("contentRange");
        // $ETAG, $DATE (Last-Modified), $OLD and $NEW (a day before and after) are filled in.
        const auto row = [](const char *name, const char *range, const char *ifRange, const char *inm,
                            const char *ims, int status, qint64 offset, qint64 length, const char *cr) {
            QTest::newRow(name) << QByteArray(range) << QByteArray(ifRange) << QByteArray(inm) << QByteArray(ims)
                                << status << offset << length << QByteArray(cr);
        };
        row("plain", "", "", "", "", 200, 0, 100, "");
        row("INM same", "", "", "$ETAG", "", 304, 0, 0, "");
        row("INM weak", "", "", "W/$ETAG", "", 304, 0, 0, "");
        row("INM other", "", "", "\"x\"", "", 200, 0, 100, "");
        row("INM *", "", "", "*", "", 304, 0, 0, "");
        row("IMS same", "", "", "", "$DATE", 304, 0, 0, "");
        row("IMS later", "", "", "", "$NEW", 304, 0, 0, "");
        row("IMS earlier", "", "", "", "$OLD", 200, 0, 100, "");
        row("IMS garbage", "", "", "", "soon", 200, 0, 100, "");
        row("INM wins over IMS", "", "", "\"x\"", "$DATE", 200, 0, 100, "");
        row("INM before Range", "bytes=0-9", "", "$ETAG", "", 304, 0, 0, "");
        row("range", "bytes=0-9", "", "", "", 206, 0, 10, "bytes 0-9/100");
        row("range at end", "bytes=-1", "", "", "", 206, 99, 1, "bytes 99-99/100");
        row("suffix larger than size", "bytes=-500", "", "", "", 206, 0, 100, "bytes 0-99/100");
        row("unsatisfiable", "bytes=100-", "", "", "", 416, 0, 0, "bytes */100");
        row("If-Range same ETag", "bytes=10-", "$ETAG", "", "", 206, 10, 90, "bytes 10-99/100");
        row("If-Range other ETag", "bytes=10-", "\"x\"", "", "", 200, 0, 100, "");
        row("If-Range weak ETag", "bytes=10-", "W/$ETAG", "", "", 200, 0, 100, "");
        row("If-Range same date", "bytes=10-", "$DATE", "", "", 206, 10, 90, "bytes 10-99/100");
        row("If-Range other date", "bytes=10-", "$OLD", "", "", 200, 0, 100, "");
        row("If-Range fails a 416", "bytes=100-", "\"x\"", "", "", 200, 0, 100, "");
    }
    void plan()
    {
        QFETCH(QByteArray, range);
        QFETCH(QByteArray, ifRange);
        QFETCH(QByteArray, ifNoneMatch);
        QFETCH(QByteArray, ifModifiedSince);
        QFETCH(int, status);
        QFETCH(qint64, offset);
        QFETCH(qint64, length);
        QFETCH(QByteArray, contentRange);
        write("plan/hundred.txt", QByteArray(100, 'x'));
        QFile f(at("plan/hundred.txt"));
        QVERIFY(f.open(QIODevice::ReadWrite) && f.setFileTime(m_mtime, QFileDevice::FileModificationTime));
        f.close();
        const QFileInfo info(at("plan/hundred.txt"));
        const auto fill = [&](QByteArray v) {
            return v.replace("$ETAG", etagFor(info)).replace("$DATE", httpDate(m_mtime))
                .replace("$OLD", httpDate(m_mtime.addDays(-1))).replace("$NEW", httpDate(m_mtime.addDays(1)));
        };
        const FileResponse r = planFileResponse(info, {fill(range), fill(ifRange), fill(ifNoneMatch),
                                                       fill(ifModifiedSince)});
        QCOMPARE(r.status, status);
        QCOMPARE(r.offset, offset);
        QCOMPARE(r.length, length);
        QCOMPARE(header(r, "Content-Range"), contentRange);
        QCOMPARE(header(r, "X-Content-Type-Options"), QByteArray("nosniff"));
        if (status == 200 || status == 206 || status == 304) {
            QCOMPARE(header(r, "ETag"), etagFor(info));
            QCOMPARE(header(r, "Cache-Control"), QByteArray("private, no-cache"));
        }
        if (status == 200 || status == 206) {
            QCOMPARE(header(r, "Last-Modified"), QByteArray("Tue, 02 Jan 2024 03:04:05 GMT"));
            QCOMPARE(header(r, "Accept-Ranges"), QByteArray("bytes"));
        } else {
            QVERIFY(header(r, "Content-Type").isEmpty());
        }
    }

    void contentTypes_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<bool>("anyInline");
        QTest::addColumn<QByteArray>("type");
        QTest::addColumn<QByteArray>("disposition");
        const auto row = [](const char *file, const QByteArray &content, bool any, const char *type, const char *disp) {
            QTest::addRow("%s%s", file, any ? " (any inline)" : "")
                << QString::fromUtf8(file) << content << any << QByteArray(type) << QByteArray(disp);
        };
        row("ct1/cat.png", kPng, false, "image/png", "inline; filename=\"cat.png\"");
        row("ct1/notes.txt", "hi", false, "text/plain; charset=utf-8", "inline; filename=\"notes.txt\"");
        row("ct1/data.json", "{}", false, "application/json", "inline; filename=\"data.json\"");
        row("ct1/sound.wav", "RIFF", false, "audio/x-wav", "inline; filename=\"sound.wav\"");
        row("ct1/song.m4a", "x", false, "audio/mp4", "inline; filename=\"song.m4a\"");
        row("ct1/page.html", "<script>alert(1)</script>", false, "application/octet-stream",
            "attachment; filename=\"page.html\"");
        row("ct1/pic.svg", "<svg onload=alert(1)/>", false, "application/octet-stream",
            "attachment; filename=\"pic.svg\"");
        row("ct1/app.js", "alert(1)", false, "application/octet-stream", "attachment; filename=\"app.js\"");
        row("ct2/blob", kPng, false, "image/png", "inline; filename=\"blob\"");
        row("ct3/blob", "<html><script>alert(1)</script></html>", false, "application/octet-stream",
            "attachment; filename=\"blob\"");
        row("ct4/page.html", "<p>x</p>", true, "text/html; charset=utf-8", "inline; filename=\"page.html\"");
        row("ct4/résumé.pdf", "%PDF-1.4", false, "application/octet-stream",
            "attachment; filename=\"r_sum_.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf");
    }
    void contentTypes()
    {
        QFETCH(QString, file);
        QFETCH(QByteArray, content);
        QFETCH(bool, anyInline);
        QFETCH(QByteArray, type);
        QFETCH(QByteArray, disposition);
        write(file, content);
        const FileResponse r = planFileResponse(QFileInfo(at(file)), {}, {.inlineAnyType = anyInline, .maxAge = 3600});
        QCOMPARE(header(r, "Content-Type"), type);
        QCOMPARE(header(r, "Content-Disposition"), disposition);
        QCOMPARE(header(r, "X-Content-Type-Options"), QByteArray("nosniff"));
        QCOMPARE(header(r, "Cache-Control"), QByteArray("private, max-age=3600"));
    }

    void safeInline_data()
    {
        QTest::addColumn<QString>("mime");
        QTest::addColumn<bool>("safe");
        for (const char *t : {"image/png", "image/jpeg", "image/gif", "image/webp", "audio/x-wav", "audio/mpeg",
                              "video/mp4", "video/x-msvideo", "text/plain", "application/json"})
            QTest::newRow(t) << QString::fromLatin1(t) << true;
        for (const char *t : {"image/svg+xml", "text/html", "application/xhtml+xml", "application/javascript",
                              "text/xml", "application/pdf", "application/octet-stream", "TEXT/PLAIN", ""})
            QTest::newRow(t) << QString::fromLatin1(t) << false;
    }
    void safeInline()
    {
        QFETCH(QString, mime);
        QFETCH(bool, safe);
        QCOMPARE(isSafeInline(mime), safe);
        QCOMPARE(safeInlineName(QMimeDatabase().mimeTypeForName("audio/wav")), QString("audio/x-wav"));
    }

    void disposition_data()
    {
        QTest::addColumn<bool>("attachment");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("value");
        const auto row = [](const char *tag, bool attachment, const char *name, const char *value) {
            QTest::newRow(tag) << attachment << QString::fromUtf8(name) << QByteArray(value);
        };
        row("plain", false, "cat.png", "inline; filename=\"cat.png\"");
        row("no name", true, "", "attachment");
        row("quote", true, "a\"b.txt", "attachment; filename=\"a_b.txt\"; filename*=UTF-8''a%22b.txt");
        row("backslash", true, "a\\b", "attachment; filename=\"a_b\"; filename*=UTF-8''a%5Cb");
        row("header injection", true, "x\r\nSet-Cookie: a=b",
            "attachment; filename=\"x__Set-Cookie: a=b\"; filename*=UTF-8''x%0D%0ASet-Cookie%3A%20a%3Db");
        row("percent", true, "100%.txt", "attachment; filename=\"100%.txt\"; filename*=UTF-8''100%25.txt");
        row("emoji", true, "😀.txt", "attachment; filename=\"_.txt\"; filename*=UTF-8''%F0%9F%98%80.txt");
    }
    void disposition()
    {
        QFETCH(bool, attachment);
        QFETCH(QString, name);
        QFETCH(QByteArray, value);
        const QByteArray got = contentDisposition(attachment, name);
        QCOMPARE(got, value);
        for (const char c : got)
            QVERIFY(uchar(c) >= 0x20 && uchar(c) < 0x7f);
    }
};

QTEST_GUILESS_MAIN(tst_Files)
#include "tst_files.moc"
