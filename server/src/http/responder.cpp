// SPDX-License-Identifier: MIT
#include "responder.h"

#include "exchange.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace qradio::http {

bool Responder::jsonBody(Exchange *exchange, QJsonObject *out)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(exchange->request().body, &error);
    if (error.error == QJsonParseError::NoError && doc.isObject()) {
        *out = doc.object();
        return true;
    }
    const QString msg = error.error != QJsonParseError::NoError
        ? QStringLiteral("JSON decode error: %1 at offset %2").arg(error.errorString()).arg(error.offset)
        : QStringLiteral("Input should be a JSON object");
    respond(exchange, validationError(error.error != QJsonParseError::NoError ? QStringLiteral("json_invalid")
                                                                             : QStringLiteral("model_attributes_type"),
                                      {QStringLiteral("body"), int(error.offset)}, msg, QJsonObject()));
    return false;
}

Response validationError(const QString &type, const QJsonArray &loc, const QString &msg, const QJsonValue &input)
{
    const QJsonObject item{{QStringLiteral("type"), type},
                           {QStringLiteral("loc"), loc},
                           {QStringLiteral("msg"), msg},
                           {QStringLiteral("input"), input}};
    return Response::json(QJsonObject{{QStringLiteral("detail"), QJsonArray{item}}}, 422);
}

} // namespace qradio::http
