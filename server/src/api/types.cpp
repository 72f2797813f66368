// SPDX-License-Identifier: MIT
#include <qradio/types.h>

#include "arguments.h"

#include <QJsonDocument>

namespace qradio {

static QString literal(const QJsonValue &v)
{
    if (v.isString())
        return QLatin1Char('\'') + v.toString() + QLatin1Char('\'');
    if (v.isBool())
        return v.toBool() ? QStringLiteral("True") : QStringLiteral("False");
    if (v.isNull())
        return QStringLiteral("None");
    return QString::fromUtf8(QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact)).mid(1).chopped(1);
}

bool api::isFileSchema(const QJsonObject &schema)
{
    const QJsonObject props = schema.value(QLatin1String("properties")).toObject();
    if (!props.contains(QLatin1String("path")) || !props.contains(QLatin1String("meta")))
        return false;
    const QJsonObject meta = props.value(QLatin1String("meta")).toObject();
    return meta.value(QLatin1String("properties")).toObject().value(QLatin1String("_type")).toObject().value(
               QLatin1String("const")) == QLatin1String("gradio.FileData")
        || meta.value(QLatin1String("default")).toObject().value(QLatin1String("_type")) == QLatin1String("gradio.FileData");
}

QString pythonTypeFromSchema(const QJsonObject &schema)
{
    if (schema.isEmpty())
        return QStringLiteral("Any");
    if (schema.contains(QLatin1String("const")))
        return QStringLiteral("Literal[%1]").arg(schema.value(QLatin1String("const")).toVariant().toString());
    if (schema.contains(QLatin1String("enum"))) {
        QStringList values;
        for (const QJsonValue &v : schema.value(QLatin1String("enum")).toArray())
            values.append(literal(v));
        return QStringLiteral("Literal[%1]").arg(values.join(QStringLiteral(", ")));
    }
    for (const char *combinator : {"oneOf", "anyOf"}) {
        const QJsonArray members = schema.value(QLatin1String(combinator)).toArray();
        if (!members.isEmpty()) {
            QStringList parts;
            for (const QJsonValue &m : members)
                parts.append(pythonTypeFromSchema(m.toObject()));
            return parts.join(QStringLiteral(" | "));
        }
    }
    const QString type = schema.value(QLatin1String("type")).toString();
    if (type == QLatin1String("integer"))
        return QStringLiteral("int");
    if (type == QLatin1String("number"))
        return QStringLiteral("float");
    if (type == QLatin1String("string"))
        return QStringLiteral("str");
    if (type == QLatin1String("boolean"))
        return QStringLiteral("bool");
    if (type == QLatin1String("null"))
        return QStringLiteral("None");
    if (type == QLatin1String("array")) {
        const QJsonArray prefix = schema.value(QLatin1String("prefixItems")).toArray();
        if (!prefix.isEmpty()) {
            QStringList parts;
            for (const QJsonValue &m : prefix)
                parts.append(pythonTypeFromSchema(m.toObject()));
            return QStringLiteral("tuple[%1]").arg(parts.join(QStringLiteral(", ")));
        }
        // A bare array (Gradio's `tuple` quirk) still renders, as list[Any].
        return QStringLiteral("list[%1]").arg(pythonTypeFromSchema(schema.value(QLatin1String("items")).toObject()));
    }
    if (type == QLatin1String("object")) {
        if (api::isFileSchema(schema))
            return QStringLiteral("filepath");
        QStringList parts;
        const QJsonObject props = schema.value(QLatin1String("properties")).toObject();
        for (auto it = props.begin(); it != props.end(); ++it)
            parts.append(it.key() + QStringLiteral(": ") + pythonTypeFromSchema(it.value().toObject()));
        if (schema.contains(QLatin1String("additionalProperties")))
            parts.append(QStringLiteral("str, ")
                         + pythonTypeFromSchema(schema.value(QLatin1String("additionalProperties")).toObject()));
        return QStringLiteral("dict(%1)").arg(parts.join(QStringLiteral(", ")));
    }
    return QStringLiteral("Any");
}

QString describeJson(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("boolean true") : QStringLiteral("boolean false");
    case QJsonValue::Double:
        return QStringLiteral("number ") + literal(value);
    case QJsonValue::String: {
        QString s = value.toString();
        if (s.size() > 40)
            s = s.left(37) + QStringLiteral("...");
        return QStringLiteral("string \"%1\"").arg(s);
    }
    case QJsonValue::Array:
        return QStringLiteral("an array");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    }
    return QStringLiteral("a value");
}

} // namespace qradio
