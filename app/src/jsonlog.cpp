// SPDX-License-Identifier: MIT
#include "jsonlog.h"

#include <qradio/accesslog.h>

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>
#include <cstring>

namespace qradio::detail {

static QString levelName(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg: return QStringLiteral("debug");
    case QtInfoMsg: return QStringLiteral("info");
    case QtWarningMsg: return QStringLiteral("warning");
    case QtCriticalMsg: return QStringLiteral("critical");
    case QtFatalMsg: return QStringLiteral("fatal");
    }
    return QStringLiteral("info");
}

QByteArray jsonLogLine(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    QJsonObject o{
        {QStringLiteral("time"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
        {QStringLiteral("level"), levelName(type)},
        {QStringLiteral("category"), QString::fromUtf8(context.category ? context.category : "default")},
        {QStringLiteral("message"), message},
    };
    if (const AccessRecord *r = currentAccessRecord();
        r && context.category && std::strcmp(context.category, "qradio.access") == 0) {
        o.insert(QStringLiteral("remote_addr"), r->remoteAddress);
        if (!r->user.isEmpty())
            o.insert(QStringLiteral("user"), r->user);
        o.insert(QStringLiteral("method"), QString::fromLatin1(r->method));
        o.insert(QStringLiteral("path"), r->target);
        o.insert(QStringLiteral("protocol"), QStringLiteral("HTTP/1.%1").arg(r->httpMinor));
        o.insert(QStringLiteral("status"), r->status);
        o.insert(QStringLiteral("bytes_sent"), double(r->bytesSent));
        o.insert(QStringLiteral("duration_s"), r->durationSeconds);
        if (!r->referer.isEmpty())
            o.insert(QStringLiteral("referer"), QString::fromUtf8(r->referer));
        o.insert(QStringLiteral("user_agent"), QString::fromUtf8(r->userAgent));
        o.insert(QStringLiteral("route"), r->route);
    }
    return QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
}

static void handler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    const QByteArray line = jsonLogLine(type, context, message);
    std::fwrite(line.constData(), 1, size_t(line.size()), stderr); // one call: lines never interleave
    std::fflush(stderr);
    if (type == QtFatalMsg)
        std::abort();
}

void installJsonLogHandler()
{
    qInstallMessageHandler(handler);
}

} // namespace qradio::detail
