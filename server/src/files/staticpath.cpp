// SPDX-License-Identifier: MIT
#include "staticpath.h"

#include "../http/syntax.h"

#include <QByteArray>
#include <QList>
#include <QStringDecoder>

namespace qradio::files {

namespace {

bool isControl(uchar c)
{
    return c < 0x20 || c == 0x7f;
}

QStringView lastSegment(QStringView relative)
{
    if (relative.endsWith(u'/'))
        return {};
    const qsizetype slash = relative.lastIndexOf(u'/');
    return slash < 0 ? relative : relative.sliced(slash + 1);
}

bool isHashToken(QStringView token, bool inAssets)
{
    if (token.size() < 8 || token.size() > 64)
        return false;
    bool digit = false, lower = false, upper = false;
    for (const QChar ch : token) {
        const char16_t c = ch.unicode();
        if (c >= u'0' && c <= u'9')
            digit = true;
        else if (c >= u'a' && c <= u'z')
            lower = true;
        else if (c >= u'A' && c <= u'Z')
            upper = true;
        else if (c != u'_')
            return false;
    }
    return (digit && (lower || upper)) || (inAssets && lower && upper);
}

} // namespace

std::optional<QString> staticRelativePath(QByteArrayView encoded)
{
    if (encoded.size() > 3 * kMaxStaticPath)
        return std::nullopt;
    QByteArray bytes;
    bytes.reserve(encoded.size());
    for (qsizetype i = 0; i < encoded.size(); ++i) {
        const uchar c = uchar(encoded[i]);
        if (c == '%') {
            if (i + 2 >= encoded.size())
                return std::nullopt;
            const int hi = http::hexValue(encoded[i + 1]);
            const int lo = http::hexValue(encoded[i + 2]);
            if (hi < 0 || lo < 0)
                return std::nullopt;
            const uchar decoded = uchar(hi * 16 + lo);
            // An encoded separator or `%` means a second decoding somewhere would change the path.
            if (decoded == '/' || decoded == '\\' || decoded == '%' || isControl(decoded))
                return std::nullopt;
            bytes.append(char(decoded));
            i += 2;
            continue;
        }
        if (c == '\\' || isControl(c))
            return std::nullopt;
        bytes.append(char(c));
    }
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString path = utf8.decode(bytes);
    if (utf8.hasError() || path.size() > kMaxStaticPath)
        return std::nullopt;
    if (path.isEmpty())
        return path;
    const QList<QStringView> parts = QStringView(path).split(u'/');
    for (qsizetype i = 0; i < parts.size(); ++i) {
        const QStringView part = parts[i];
        if (part.isEmpty()) {
            if (i + 1 == parts.size() && i > 0)
                continue; // the final `/` of a folder
            return std::nullopt; // leading `/` (absolute) or `//`
        }
        if (part.startsWith(u'.'))
            return std::nullopt; // `.`, `..`, dotfiles and dot-folders
        for (const QChar ch : part) {
            if (ch.category() == QChar::Other_Control || ch == u'\\')
                return std::nullopt;
        }
    }
    return path;
}

bool isHashedName(QStringView relative)
{
    const QStringView name = lastSegment(relative);
    const bool inAssets = relative.startsWith(u"assets/") || relative.contains(u"/assets/");
    // Tokens between `-` or `.` separators, after the name's first part and before its extension.
    qsizetype start = -1;
    for (qsizetype i = 0; i < name.size(); ++i) {
        if (name[i] != u'-' && name[i] != u'.')
            continue;
        if (start >= 0 && name[i] == u'.' && isHashToken(name.sliced(start, i - start), inAssets))
            return true;
        start = i + 1;
    }
    return false;
}

bool hasExtension(QStringView relative)
{
    const QStringView name = lastSegment(relative);
    return name.lastIndexOf(u'.') > 0;
}

} // namespace qradio::files
