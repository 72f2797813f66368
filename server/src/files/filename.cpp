// SPDX-License-Identifier: MIT
#include "filename.h"

#include <QByteArray>
#include <QRandomGenerator>

#include <algorithm>
#include <array>

namespace qradio::files {

namespace {

constexpr qsizetype kMaxBytes = 200;
constexpr qsizetype kMaxExtensionBytes = 32; //!< a longer "extension" is just part of the name

bool isForbidden(char32_t c)
{
    switch (c) {
    case U'<': case U'>': case U':': case U'"': case U'/': case U'\\': case U'|': case U'?': case U'*':
    case U'`': case U'$': case U'!': case U'{': case U'}':
        return true;
    default:
        break;
    }
    switch (QChar::category(c)) {
    case QChar::Other_Control:       // C0, DEL, C1
    case QChar::Other_Format:        // bidi overrides ("gpj.exe" shown as "exe.jpg"), zero-width
    case QChar::Separator_Line:
    case QChar::Separator_Paragraph:
        return true;
    default:
        return false;
    }
}

//! The characters of `name` that may stay, dropping lone surrogates (they have no UTF-8 form).
QString keepAllowed(QStringView name)
{
    QString out;
    out.reserve(name.size());
    for (qsizetype i = 0; i < name.size(); ++i) {
        const QChar ch = name[i];
        if (ch.isHighSurrogate() && i + 1 < name.size() && name[i + 1].isLowSurrogate()) {
            if (!isForbidden(QChar::surrogateToUcs4(ch, name[i + 1])))
                out.append(name.sliced(i, 2));
            ++i;
        } else if (!ch.isSurrogate() && !isForbidden(ch.unicode())) {
            out.append(ch);
        }
    }
    return out;
}

void chopTrailingDotsAndSpaces(QString &name)
{
    while (!name.isEmpty() && (name.back() == u'.' || name.back().isSpace()))
        name.chop(1);
}

bool isWindowsDeviceName(QStringView name)
{
    const qsizetype dot = name.indexOf(u'.');
    QStringView base = (dot < 0 ? name : name.first(dot)).trimmed();
    static constexpr std::array<QStringView, 4> fixed = {u"CON", u"PRN", u"AUX", u"NUL"};
    for (QStringView reserved : fixed) {
        if (base.compare(reserved, Qt::CaseInsensitive) == 0)
            return true;
    }
    if (base.size() != 4)
        return false;
    const QStringView prefix = base.first(3);
    if (prefix.compare(u"COM", Qt::CaseInsensitive) != 0 && prefix.compare(u"LPT", Qt::CaseInsensitive) != 0)
        return false;
    const char16_t digit = base[3].unicode();
    return (digit >= u'0' && digit <= u'9') || digit == u'\u00B9' || digit == u'\u00B2' || digit == u'\u00B3'; // COM¹ ... LPT³
}

qsizetype utf8Size(char32_t c)
{
    return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
}

//! The longest prefix of `text` whose UTF-8 form fits in `maxBytes`, never splitting a character.
QString leftUtf8(const QString &text, qsizetype maxBytes)
{
    qsizetype bytes = 0;
    qsizetype i = 0;
    while (i < text.size()) {
        const bool pair = text[i].isHighSurrogate() && i + 1 < text.size();
        const char32_t c = pair ? QChar::surrogateToUcs4(text[i], text[i + 1]) : text[i].unicode();
        if (bytes + utf8Size(c) > maxBytes)
            break;
        bytes += utf8Size(c);
        i += pair ? 2 : 1;
    }
    return text.left(i);
}

QString shorten(const QString &name)
{
    const qsizetype dot = name.lastIndexOf(u'.');
    QString extension = dot > 0 ? name.sliced(dot) : QString();
    if (extension.toUtf8().size() > kMaxExtensionBytes)
        extension.clear();
    QString stem = leftUtf8(name.left(name.size() - extension.size()), kMaxBytes - extension.toUtf8().size());
    chopTrailingDotsAndSpaces(stem);
    return stem + extension;
}

QString randomHex(qsizetype bytes)
{
    QByteArray raw(bytes, Qt::Uninitialized);
    for (char &b : raw)
        b = char(QRandomGenerator::system()->bounded(256));
    return QString::fromLatin1(raw.toHex());
}

} // namespace

QString sanitizeFileName(const QString &clientName)
{
    const qsizetype slash = std::max(clientName.lastIndexOf(u'/'), clientName.lastIndexOf(u'\\'));
    QString name = keepAllowed(QStringView(clientName).sliced(slash + 1)).trimmed();
    chopTrailingDotsAndSpaces(name);

    qsizetype lead = 0;
    while (lead < name.size() && (name[lead] == u'.' || name[lead].isSpace()))
        ++lead;
    if (lead > 0) {
        const bool strippedDot = name.first(lead).contains(u'.');
        name.remove(0, lead);
        if (strippedDot && !name.isEmpty() && !name.contains(u'.'))
            name.prepend(QStringLiteral("file.")); // ".png": an extension without a stem
    }
    if (isWindowsDeviceName(name))
        name.prepend(u'_');
    if (name.toUtf8().size() > kMaxBytes)
        name = shorten(name);
    if (name.isEmpty())
        name = QStringLiteral("tmp") + randomHex(5);
    return name;
}

QString uniqueFolderName()
{
    std::array<quint32, 8> words;
    QRandomGenerator::system()->fillRange(words.data(), words.size());
    return QString::fromLatin1(QByteArray(reinterpret_cast<const char *>(words.data()), sizeof words).toHex());
}

} // namespace qradio::files
