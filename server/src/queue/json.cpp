// SPDX-License-Identifier: MIT
#include "json.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace qradio::json {

QByteArray compact(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Object:
        return QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
    case QJsonValue::Array:
        return QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact);
    default: {
        // Scalars: serialise inside an array and strip the brackets, so formatting matches.
        const QByteArray wrapped = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
        return wrapped.mid(1, wrapped.size() - 2);
    }
    }
}

static void appendPythonString(QByteArray &out, const QString &s)
{
    out += '"';
    for (const QChar c : s) {
        const ushort u = c.unicode();
        switch (u) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
            if (u < 0x20 || u > 0x7e)
                out += "\\u" + QByteArray::number(u, 16).rightJustified(4, '0');
            else
                out += char(u);
        }
    }
    out += '"';
}

static void appendPython(QByteArray &out, const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Object: {
        const QJsonObject object = value.toObject();
        out += '{';
        bool first = true;
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (!first)
                out += ", ";
            first = false;
            appendPythonString(out, it.key());
            out += ": ";
            appendPython(out, it.value());
        }
        out += '}';
        break;
    }
    case QJsonValue::Array: {
        const QJsonArray array = value.toArray();
        out += '[';
        for (qsizetype i = 0; i < array.size(); ++i) {
            if (i)
                out += ", ";
            appendPython(out, array.at(i));
        }
        out += ']';
        break;
    }
    case QJsonValue::String:
        appendPythonString(out, value.toString());
        break;
    default:
        out += compact(value);
    }
}

QByteArray python(const QJsonValue &value)
{
    QByteArray out;
    appendPython(out, value);
    return out;
}

void ObjectWriter::key(const char *key)
{
    if (!m_first)
        m_out += m_python ? ", " : ",";
    m_first = false;
    m_out += '"';
    m_out += key;
    m_out += m_python ? "\": " : "\":";
}

ObjectWriter &ObjectWriter::add(const char *k, const QJsonValue &value)
{
    key(k);
    m_out += m_python ? python(value) : compact(value);
    return *this;
}

ObjectWriter &ObjectWriter::addRaw(const char *k, const QByteArray &json)
{
    key(k);
    m_out += json;
    return *this;
}

} // namespace qradio::json
