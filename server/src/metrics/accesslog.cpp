// SPDX-License-Identifier: MIT
#include "accesslog.h"

#include <QLocale>
#include <QTimeZone>

Q_LOGGING_CATEGORY(lcAccess, "qradio.access", QtInfoMsg)

namespace qradio {

static thread_local const AccessRecord *t_current = nullptr;

const AccessRecord *currentAccessRecord()
{
    return t_current;
}

namespace metrics {

static QByteArray quoted(QByteArrayView value)
{
    if (value.isEmpty())
        return "\"-\"";
    QByteArray out = "\"";
    for (const char c : value) {
        const auto u = uchar(c);
        if (u < 0x20 || u == 0x7f || c == '"' || c == '\\')
            out += "\\x" + QByteArray::number(u, 16).rightJustified(2, '0').toUpper();
        else
            out += c;
    }
    return out + '"';
}

static QByteArray field(const QString &value)
{
    // Unquoted fields (the user): no spaces or controls, so the line stays parseable.
    if (value.isEmpty())
        return "-";
    QByteArray out = value.toUtf8();
    for (char &c : out)
        if (uchar(c) <= 0x20 || uchar(c) == 0x7f || c == '"')
            c = '_';
    return out;
}

QByteArray formatAccessLine(const AccessRecord &r)
{
    const int offset = r.time.offsetFromUtc();
    const int minutes = std::abs(offset) / 60;
    const QByteArray zone = (offset < 0 ? "-" : "+") + QByteArray::number(minutes / 60).rightJustified(2, '0')
        + QByteArray::number(minutes % 60).rightJustified(2, '0');
    const QByteArray when = QLocale::c().toString(r.time, QStringLiteral("dd/MMM/yyyy:HH:mm:ss")).toLatin1();
    const QByteArray request = r.method + ' ' + r.target.toUtf8() + " HTTP/1." + QByteArray::number(r.httpMinor);
    return field(r.remoteAddress) + " - " + field(r.user) + " [" + when + ' ' + zone + "] " + quoted(request) + ' '
        + QByteArray::number(r.status) + ' ' + QByteArray::number(r.bytesSent) + ' ' + quoted(r.referer) + ' '
        + quoted(r.userAgent) + ' ' + QByteArray::number(r.durationSeconds, 'f', 3);
}

void logAccess(const AccessRecord &record)
{
    t_current = &record;
    qCInfo(lcAccess).noquote() << QString::fromUtf8(formatAccessLine(record));
    t_current = nullptr;
}

} // namespace metrics
} // namespace qradio
