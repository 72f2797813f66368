// SPDX-License-Identifier: MIT
#include "json.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

namespace qradio::json {

//! What QJsonDocument writes for a scalar, through QJsonDocument itself (the slow way).
static void appendScalarByQt(QByteArray &out, const QJsonValue &value)
{
    const QByteArray wrapped = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    out += QByteArrayView(wrapped).sliced(1, wrapped.size() - 2);
}

//! A string as QJsonDocument writes it: plain printable ASCII directly, anything with escapes
//! or non-ASCII characters through Qt.
static void appendString(QByteArray &out, const QString &s)
{
    for (const QChar c : s)
        if (c.unicode() < 0x20 || c.unicode() > 0x7e || c == u'"' || c == u'\\') {
            appendScalarByQt(out, s);
            return;
        }
    out += '"';
    out += s.toLatin1();
    out += '"';
}

// Written here rather than with QJsonDocument: a streamed event serialises a handful of small
// values, and a QJsonDocument (and its CBOR container) per value was most of a frame's cost.
// The output is byte for byte QJsonDocument's Compact form (tst_frames compares them).
static void appendCompact(QByteArray &out, const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        out += "null";
        return;
    case QJsonValue::Bool:
        out += value.toBool() ? "true" : "false";
        return;
    case QJsonValue::Double: {
        const double d = value.toDouble();
        constexpr double kExactIntegers = 9007199254740992.0; // 2^53
        if (qIsFinite(d) && d == std::trunc(d) && std::abs(d) < kExactIntegers && !(d == 0 && std::signbit(d)))
            out += QByteArray::number(qint64(d));
        else
            appendScalarByQt(out, value); // fractions, large values, -0, infinities
        return;
    }
    case QJsonValue::String:
        appendString(out, value.toString());
        return;
    case QJsonValue::Array: {
        const QJsonArray array = value.toArray();
        out += '[';
        for (qsizetype i = 0; i < array.size(); ++i) {
            if (i)
                out += ',';
            appendCompact(out, array.at(i));
        }
        out += ']';
        return;
    }
    case QJsonValue::Object: {
        const QJsonObject object = value.toObject();
        out += '{';
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (it != object.begin())
                out += ',';
            appendString(out, it.key());
            out += ':';
            appendCompact(out, it.value());
        }
        out += '}';
        return;
    }
    case QJsonValue::Undefined:
        appendScalarByQt(out, value);
        return;
    }
}

QByteArray compact(const QJsonValue &value)
{
    QByteArray out;
    appendCompact(out, value);
    return out;
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
    if (m_python)
        m_out += python(value);
    else
        appendCompact(m_out, value);
    return *this;
}

ObjectWriter &ObjectWriter::addRaw(const char *k, const QByteArray &json)
{
    key(k);
    m_out += json;
    return *this;
}

} // namespace qradio::json
