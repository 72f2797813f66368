// SPDX-License-Identifier: MIT
#include "fileresponse.h"

#include "../http/syntax.h"

#include <QCryptographicHash>
#include <QFile>
#include <QMimeDatabase>
#include <QTimeZone>

#include <algorithm>
#include <array>
#include <iterator>
#include <limits>
#include <optional>

#ifdef Q_OS_UNIX
#include <sys/stat.h>
#endif

namespace qradio::files {

namespace {

constexpr std::array<const char *, 7> kDays = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
constexpr std::array<const char *, 7> kLongDays = {"Monday", "Tuesday", "Wednesday", "Thursday",
                                                    "Friday", "Saturday", "Sunday"};
constexpr std::array<const char *, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

constexpr QStringView kSafeInline[] = {
    u"image/jpeg", u"image/png", u"image/gif", u"image/webp",
    u"audio/aac", u"audio/aiff", u"audio/flac", u"audio/mp4", u"audio/mpeg", u"audio/ogg",
    u"audio/wav", u"audio/webm", u"audio/x-aiff", u"audio/x-flac", u"audio/x-m4a",
    u"audio/x-matroska", u"audio/x-wav",
    u"video/mp4", u"video/mpeg", u"video/ogg", u"video/quicktime", u"video/webm",
    u"video/x-matroska", u"video/x-msvideo",
    u"text/plain", u"application/json",
};

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

//! A run of digits, saturating at the largest qint64 (a huge first byte is still "past the end").
std::optional<qint64> parseCount(QByteArrayView digits)
{
    if (digits.isEmpty())
        return std::nullopt;
    qint64 value = 0;
    for (char c : digits) {
        if (!isDigit(c))
            return std::nullopt;
        constexpr qint64 max = std::numeric_limits<qint64>::max();
        value = value > (max - (c - '0')) / 10 ? max : value * 10 + (c - '0');
    }
    return value;
}

//! A fixed-width number of `width` digits at `at`, or -1.
int fixedNumber(QByteArrayView text, qsizetype at, qsizetype width)
{
    if (at < 0 || at + width > text.size())
        return -1;
    int value = 0;
    for (qsizetype i = at; i < at + width; ++i) {
        if (!isDigit(text[i]))
            return -1;
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

int monthNumber(QByteArrayView name)
{
    for (int i = 0; i < int(kMonths.size()); ++i) {
        if (name == kMonths[i])
            return i + 1;
    }
    return 0;
}

bool isDayName(QByteArrayView name, bool full)
{
    for (const char *day : full ? kLongDays : kDays) {
        if (name == day)
            return true;
    }
    return false;
}

//! `HH:MM:SS` at `at`.
QTime timeAt(QByteArrayView text, qsizetype at)
{
    if (at + 8 > text.size() || text[at + 2] != ':' || text[at + 5] != ':')
        return {};
    return QTime(fixedNumber(text, at, 2), fixedNumber(text, at + 3, 2), fixedNumber(text, at + 6, 2));
}

QDateTime utc(int year, int month, int day, QTime time)
{
    const QDate date(year, month, day);
    if (!date.isValid() || !time.isValid())
        return {};
    return QDateTime(date, time, QTimeZone::utc());
}

//! The opaque part of an entity tag (`"x"` of `W/"x"`), or empty when `tag` is not one.
QByteArrayView opaqueTag(QByteArrayView tag)
{
    if (tag.startsWith("W/"))
        tag = tag.sliced(2);
    if (tag.size() < 2 || tag.front() != '"' || tag.back() != '"')
        return {};
    for (char c : tag.sliced(1, tag.size() - 2)) {
        const auto u = uchar(c);
        if (u == '"' || u < 0x21 || u == 0x7f)
            return {};
    }
    return tag;
}

bool isAttrChar(uchar c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(char(c))
        || QByteArrayView("!#$&+-.^_`|~").contains(char(c));
}

bool ifRangeHolds(QByteArrayView ifRange, QByteArrayView etag, const QByteArray &lastModified)
{
    ifRange = http::trimmedOws(ifRange);
    if (ifRange.startsWith('"') || ifRange.startsWith("W/"))
        return !ifRange.startsWith("W/") && ifRange == etag; // strong comparison only
    return !lastModified.isEmpty() && parseHttpDate(ifRange).isValid()
        && parseHttpDate(ifRange) == parseHttpDate(lastModified);
}

QByteArray contentType(const QMimeType &mime, bool inlineAnyType, bool *asAttachment)
{
    QString name = safeInlineName(mime);
    if (name.isEmpty() && inlineAnyType && mime.isValid())
        name = mime.name();
    *asAttachment = name.isEmpty();
    if (*asAttachment)
        return "application/octet-stream";
    QByteArray type = name.toLatin1();
    if (type.startsWith("text/"))
        type += "; charset=utf-8";
    return type;
}

} // namespace

RangeRequest parseRange(QByteArrayView header, qint64 size)
{
    header = http::trimmedOws(header);
    const qsizetype equals = header.indexOf('=');
    if (size <= 0 || equals < 0 || header.first(equals).toByteArray().toLower() != "bytes")
        return {};
    const QByteArrayView spec = http::trimmedOws(header.sliced(equals + 1));
    const qsizetype dash = spec.indexOf('-');
    if (spec.contains(',') || dash < 0)
        return {}; // several ranges may be ignored (RFC 9110 §14.2)
    const std::optional<qint64> first = parseCount(spec.first(dash));
    const std::optional<qint64> last = parseCount(spec.sliced(dash + 1));
    if (!first) { // a suffix range, "-n", or bad syntax
        if (dash != 0 || !last)
            return {};
        if (*last == 0)
            return {RangeRequest::Kind::Unsatisfiable, {}};
        return {RangeRequest::Kind::Partial, {std::max<qint64>(0, size - *last), size - 1}};
    }
    if (!last && dash + 1 != spec.size())
        return {};
    if (last && *last < *first)
        return {}; // an invalid range-spec makes the whole header invalid
    if (*first >= size)
        return {RangeRequest::Kind::Unsatisfiable, {}};
    return {RangeRequest::Kind::Partial, {*first, last ? std::min(*last, size - 1) : size - 1}};
}

QByteArray etagFor(const QFileInfo &file)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    const auto add = [&hash](qint64 value) {
        hash.addData(QByteArrayView(reinterpret_cast<const char *>(&value), sizeof value));
    };
    bool stated = false;
#ifdef Q_OS_UNIX
    struct stat st {};
    if (::stat(QFile::encodeName(file.absoluteFilePath()).constData(), &st) == 0) {
        add(qint64(st.st_size));
        add(qint64(st.st_mtim.tv_sec));
        add(qint64(st.st_mtim.tv_nsec));
        add(qint64(st.st_dev));
        add(qint64(st.st_ino));
        stated = true;
    }
#endif
    if (!stated) {
        add(file.size());
        add(file.lastModified().toMSecsSinceEpoch());
    }
    return '"' + hash.result().first(16).toHex() + '"';
}

QByteArray httpDate(const QDateTime &time)
{
    if (!time.isValid())
        return {};
    const QDateTime t = time.toUTC();
    const QDate d = t.date();
    const QTime h = t.time();
    return QString::asprintf("%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[d.dayOfWeek() - 1], d.day(),
                             kMonths[d.month() - 1], d.year(), h.hour(), h.minute(), h.second())
        .toLatin1();
}

QDateTime parseHttpDate(QByteArrayView text)
{
    text = http::trimmedOws(text);
    const qsizetype comma = text.indexOf(',');
    if (comma == 3 && text.size() == 29 && isDayName(text.first(3), false)) {
        // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
        if (text[4] != ' ' || text[7] != ' ' || text[11] != ' ' || text[16] != ' ' || !text.endsWith(" GMT"))
            return {};
        return utc(fixedNumber(text, 12, 4), monthNumber(text.sliced(8, 3)), fixedNumber(text, 5, 2),
                   timeAt(text, 17));
    }
    if (comma > 0) {
        // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"
        if (!isDayName(text.first(comma), true))
            return {};
        const QByteArrayView rest = text.sliced(comma + 1);
        if (rest.size() != 23 || rest[0] != ' ' || rest[3] != '-' || rest[7] != '-' || rest[10] != ' '
            || !rest.endsWith(" GMT"))
            return {};
        const int yy = fixedNumber(rest, 8, 2);
        if (yy < 0)
            return {};
        // RFC 9110 §5.6.7: a year more than 50 years ahead is the last such year in the past.
        const int now = QDateTime::currentDateTimeUtc().date().year();
        int year = now - now % 100 + yy;
        if (year > now + 50)
            year -= 100;
        return utc(year, monthNumber(rest.sliced(4, 3)), fixedNumber(rest, 1, 2), timeAt(rest, 11));
    }
    // asctime: "Sun Nov  6 08:49:37 1994"
    if (text.size() != 24 || !isDayName(text.first(3), false) || text[3] != ' ' || text[7] != ' '
        || text[10] != ' ' || text[19] != ' ')
        return {};
    const int day = text[8] == ' ' ? fixedNumber(text, 9, 1) : fixedNumber(text, 8, 2);
    return utc(fixedNumber(text, 20, 4), monthNumber(text.sliced(4, 3)), day, timeAt(text, 11));
}

bool ifNoneMatchMatches(QByteArrayView header, QByteArrayView etag)
{
    header = http::trimmedOws(header);
    if (header == "*")
        return true;
    const QByteArrayView ours = opaqueTag(etag);
    if (ours.isEmpty())
        return false;
    bool any = false;
    for (QByteArrayView rest = header; !rest.isEmpty();) {
        const qsizetype comma = rest.indexOf(',');
        const QByteArrayView item = http::trimmedOws(comma < 0 ? rest : rest.first(comma));
        rest = comma < 0 ? QByteArrayView() : rest.sliced(comma + 1);
        if (item.isEmpty())
            continue; // empty list elements are allowed (RFC 9110 §5.6.1.2)
        const QByteArrayView tag = opaqueTag(item);
        if (tag.isEmpty())
            return false;
        any = any || tag == ours;
    }
    return any;
}

QMimeType mimeTypeFor(const QFileInfo &file)
{
    const QMimeDatabase db;
    const QMimeType byName = db.mimeTypeForFile(file, QMimeDatabase::MatchExtension);
    return byName.isDefault() ? db.mimeTypeForFile(file, QMimeDatabase::MatchContent) : byName;
}

bool isSafeInline(QStringView mimeName)
{
    return std::find(std::begin(kSafeInline), std::end(kSafeInline), mimeName) != std::end(kSafeInline);
}

QString safeInlineName(const QMimeType &mime)
{
    if (!mime.isValid())
        return {};
    if (isSafeInline(mime.name()))
        return mime.name();
    for (const QString &alias : mime.aliases()) {
        if (isSafeInline(alias))
            return alias;
    }
    return {};
}

QByteArray contentDisposition(bool asAttachment, const QString &fileName)
{
    QByteArray value = asAttachment ? "attachment" : "inline";
    if (fileName.isEmpty())
        return value;
    QByteArray fallback;
    for (const QChar ch : fileName) {
        const char16_t c = ch.unicode();
        if (ch.isLowSurrogate())
            continue; // its high half already gave one '_'
        fallback += (c >= 0x20 && c < 0x7f && c != u'"' && c != u'\\') ? char(c) : '_';
    }
    value += "; filename=\"" + fallback + '"';
    const QByteArray utf8 = fileName.toUtf8();
    if (fallback != utf8 || utf8.contains('%')) {
        value += "; filename*=UTF-8''";
        for (const char c : utf8) {
            if (isAttrChar(uchar(c)))
                value += c;
            else
                value += '%' + QByteArray::number(uchar(c), 16).rightJustified(2, '0').toUpper();
        }
    }
    return value;
}

FileRequestHeaders fileRequestHeaders(const Request &request)
{
    FileRequestHeaders h;
    int ranges = 0;
    for (const auto &[name, value] : request.headers) {
        if (name.compare("range", Qt::CaseInsensitive) == 0) {
            h.range = value;
            ++ranges;
        } else if (name.compare("if-range", Qt::CaseInsensitive) == 0) {
            h.ifRange = value;
        } else if (name.compare("if-none-match", Qt::CaseInsensitive) == 0) {
            h.ifNoneMatch += (h.ifNoneMatch.isEmpty() ? "" : ", ") + value;
        } else if (name.compare("if-modified-since", Qt::CaseInsensitive) == 0) {
            h.ifModifiedSince = value;
        }
    }
    if (ranges > 1)
        h.range.clear(); // ambiguous: served whole
    return h;
}

FileResponse planFileResponse(const QFileInfo &file, const FileRequestHeaders &request,
                              const FileResponseOptions &options)
{
    FileResponse out;
    const qint64 size = file.size();
    const QByteArray etag = options.etag.isEmpty() ? etagFor(file) : options.etag;
    // A resource built without modification times reports none (or the epoch): no date then.
    const QDateTime modified = file.lastModified();
    const QByteArray lastModified = modified.isValid() && modified.toSecsSinceEpoch() > 0 ? httpDate(modified) : QByteArray();
    const QByteArray cacheControl = !options.cacheControl.isEmpty() ? options.cacheControl
        : options.maxAge > 0 ? "private, max-age=" + QByteArray::number(options.maxAge)
                             : QByteArray("private, no-cache");
    out.headers.emplaceBack("X-Content-Type-Options", "nosniff");

    bool notModified = false;
    if (!request.ifNoneMatch.isEmpty()) {
        notModified = ifNoneMatchMatches(request.ifNoneMatch, etag);
    } else if (!request.ifModifiedSince.isEmpty() && !lastModified.isEmpty()) {
        const QDateTime since = parseHttpDate(request.ifModifiedSince);
        notModified = since.isValid() && parseHttpDate(lastModified) <= since;
    }
    if (notModified) {
        out.status = 304;
        out.headers.emplaceBack("ETag", etag);
        out.headers.emplaceBack("Cache-Control", cacheControl);
        return out;
    }

    RangeRequest range = parseRange(request.range, size);
    if (range.kind != RangeRequest::Kind::Whole && !request.ifRange.isEmpty()
        && !ifRangeHolds(request.ifRange, etag, lastModified))
        range = {};
    if (range.kind == RangeRequest::Kind::Unsatisfiable) {
        out.status = 416;
        out.headers.emplaceBack("Accept-Ranges", "bytes");
        out.headers.emplaceBack("Content-Range", "bytes */" + QByteArray::number(size));
        return out;
    }

    if (!options.contentType.isEmpty()) {
        out.headers.emplaceBack("Content-Type", options.contentType);
    } else {
        bool asAttachment = true;
        out.headers.emplaceBack("Content-Type", contentType(mimeTypeFor(file), options.inlineAnyType, &asAttachment));
        out.headers.emplaceBack("Content-Disposition",
                                contentDisposition(asAttachment, options.downloadName.isEmpty() ? file.fileName()
                                                                                                : options.downloadName));
    }
    out.headers.emplaceBack("Accept-Ranges", "bytes");
    out.headers.emplaceBack("ETag", etag);
    if (!lastModified.isEmpty())
        out.headers.emplaceBack("Last-Modified", lastModified);
    out.headers.emplaceBack("Cache-Control", cacheControl);
    if (range.kind == RangeRequest::Kind::Partial) {
        out.status = 206;
        out.offset = range.range.first;
        out.length = range.range.length();
        out.headers.emplaceBack("Content-Range", "bytes " + QByteArray::number(range.range.first) + '-'
                                                 + QByteArray::number(range.range.last) + '/'
                                                 + QByteArray::number(size));
    } else {
        out.length = size;
    }
    return out;
}

} // namespace qradio::files
