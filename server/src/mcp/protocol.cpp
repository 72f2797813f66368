// SPDX-License-Identifier: MIT
#include "protocol.h"

#include "../queue/json.h"

#include <QJsonDocument>

#include <QJsonArray>

#include <cmath>

namespace qradio::mcp {

const QStringList &supportedVersions()
{
    static const QStringList versions{QStringLiteral("2024-11-05"), QStringLiteral("2025-03-26"),
                                      QStringLiteral("2025-06-18"), QStringLiteral("2025-11-25")};
    return versions;
}

QString negotiateVersion(const QString &requested)
{
    return supportedVersions().contains(requested) ? requested : latestVersion();
}

static bool validId(const QJsonValue &id)
{
    if (id.isString())
        return true;
    // JSON-RPC allows numbers; MCP wants integers. Null is not an id.
    return id.isDouble() && std::isfinite(id.toDouble()) && id.toDouble() == std::trunc(id.toDouble());
}

Message Message::classify(const QJsonObject &json)
{
    Message m;
    m.json = json;
    if (json.value(QLatin1String("jsonrpc")) != QLatin1String("2.0")) {
        m.error = QStringLiteral("\"jsonrpc\" must be \"2.0\"");
        return m;
    }
    const bool hasId = json.contains(QLatin1String("id"));
    m.id = json.value(QLatin1String("id"));
    if (json.contains(QLatin1String("method"))) {
        const QJsonValue method = json.value(QLatin1String("method"));
        if (!method.isString()) {
            m.error = QStringLiteral("\"method\" must be a string");
            return m;
        }
        m.method = method.toString();
        const QJsonValue params = json.value(QLatin1String("params"));
        if (!params.isUndefined() && !params.isObject()) {
            m.error = QStringLiteral("\"params\" must be an object");
            m.kind = hasId && validId(m.id) ? Request : Invalid; // answer it with -32602 below
            if (m.kind == Request)
                m.error = QStringLiteral("params:") + m.error;
            return m;
        }
        m.params = params.toObject();
        if (!hasId) {
            m.kind = Notification;
            return m;
        }
        if (!validId(m.id)) {
            m.error = QStringLiteral("\"id\" must be a string or an integer");
            return m;
        }
        m.kind = Request;
        return m;
    }
    if (json.contains(QLatin1String("result")) || json.contains(QLatin1String("error"))) {
        if (!hasId || (!validId(m.id) && !m.id.isNull())) {
            m.error = QStringLiteral("a response needs the id of its request");
            return m;
        }
        m.kind = Response;
        return m;
    }
    m.error = QStringLiteral("not a request, notification or response");
    return m;
}

ParsedJson ParsedJson::parse(const QByteArray &text)
{
    ParsedJson out;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(text, &error);
    if (error.error == QJsonParseError::NoError) {
        out.kind = doc.isObject() ? Object : Array;
        out.object = doc.object();
        return out;
    }
    // QJsonDocument takes only objects and arrays at the top; a bare value is still JSON.
    const QJsonDocument wrapped = QJsonDocument::fromJson('[' + text + ']');
    if (wrapped.isArray() && wrapped.array().size() == 1) {
        out.kind = Other;
        return out;
    }
    out.error = QStringLiteral("Parse error: %1 at offset %2").arg(error.errorString()).arg(error.offset);
    return out;
}

QByteArray resultMessage(const QJsonValue &id, const QJsonObject &result)
{
    return json::ObjectWriter().add("jsonrpc", QStringLiteral("2.0")).add("id", id).add("result", result).finish();
}

QByteArray errorMessage(const QJsonValue &id, int errorCode, const QString &message, const QJsonValue &data)
{
    QJsonObject error{{QStringLiteral("code"), errorCode}, {QStringLiteral("message"), message}};
    if (!data.isUndefined())
        error.insert(QStringLiteral("data"), data);
    return json::ObjectWriter().add("jsonrpc", QStringLiteral("2.0")).add("id", id).add("error", error).finish();
}

QByteArray notificationMessage(const QString &method, const QJsonObject &params)
{
    return json::ObjectWriter().add("jsonrpc", QStringLiteral("2.0")).add("method", method).add("params", params).finish();
}

QByteArray requestMessage(const QJsonValue &id, const QString &method, const QJsonObject &params)
{
    return json::ObjectWriter()
        .add("jsonrpc", QStringLiteral("2.0"))
        .add("id", id)
        .add("method", method)
        .add("params", params)
        .finish();
}

QString idKey(const QJsonValue &id)
{
    if (id.isString())
        return QStringLiteral("s:") + id.toString();
    return QStringLiteral("n:") + QString::number(id.toInteger());
}

const QStringList &logLevels()
{
    static const QStringList levels{QStringLiteral("debug"),    QStringLiteral("info"),  QStringLiteral("notice"),
                                    QStringLiteral("warning"),  QStringLiteral("error"), QStringLiteral("critical"),
                                    QStringLiteral("alert"),    QStringLiteral("emergency")};
    return levels;
}

int logLevelIndex(const QString &name)
{
    return int(logLevels().indexOf(name));
}

} // namespace qradio::mcp
