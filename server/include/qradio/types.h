// SPDX-License-Identifier: MIT
#pragma once

//! \file types.h
//! Compile-time mapping of C++ types to JSON Schema, Gradio's `python_type` strings, and
//! strict JSON conversion in both directions.
//!
//! Supported: integers, double/float, bool, QString, std::string, QByteArray (base64 bytes),
//! QList<T>, std::vector<T>, QStringList, std::optional<T>, QMap<QString,T>,
//! std::map<std::string,T>, QJsonValue, QJsonObject, QJsonArray. Specialise qradio::TypeInfo
//! for your own types:
//! \code
//! template<> struct qradio::TypeInfo<Point> {
//!     static QJsonObject schema() { return {{"type", "object"}, ...}; }
//!     static std::optional<Point> fromJson(const QJsonValue &v, QString *error);
//!     static QJsonValue toJson(const Point &p);
//! };
//! \endcode

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace qradio {

//! Primary template: a type without a specialisation cannot be used as a parameter or result.
template<typename T, typename Enable = void>
struct TypeInfo;

//! Renders a JSON Schema as Gradio's `python_type` string ("int", "list[str]", "None | int", ...).
QString pythonTypeFromSchema(const QJsonObject &schema);

//! A short description of a JSON value for error messages: `string "x"`, `number 3.5`, `null`.
QString describeJson(const QJsonValue &value);

namespace detail {
inline void setError(QString *error, const QString &expected, const QJsonValue &got)
{
    if (error)
        *error = QStringLiteral("expected %1, got %2").arg(expected, describeJson(got));
}
} // namespace detail

template<typename T>
struct TypeInfo<T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>>>
{
    static QJsonObject schema() { return {{QStringLiteral("type"), QStringLiteral("integer")}}; }
    static std::optional<T> fromJson(const QJsonValue &v, QString *error)
    {
        if (v.isDouble()) {
            const double d = v.toDouble();
            // 2^63 is exactly representable; anything at or beyond it cannot fit a 64-bit int.
            if (std::isfinite(d) && d == std::trunc(d) && std::abs(d) < 9.2233720368547758e18) {
                const qint64 i = v.toInteger();
                if (i >= qint64(std::numeric_limits<T>::min())
                    && (i < 0 || quint64(i) <= quint64(std::numeric_limits<T>::max())))
                    return T(i);
                if (error)
                    *error = QStringLiteral("integer %1 is out of range").arg(i);
                return std::nullopt;
            }
        }
        detail::setError(error, QStringLiteral("integer"), v);
        return std::nullopt;
    }
    static QJsonValue toJson(T v) { return QJsonValue(qint64(v)); }
};

template<typename T>
struct TypeInfo<T, std::enable_if_t<std::is_floating_point_v<T>>>
{
    static QJsonObject schema() { return {{QStringLiteral("type"), QStringLiteral("number")}}; }
    static std::optional<T> fromJson(const QJsonValue &v, QString *error)
    {
        if (v.isDouble())
            return T(v.toDouble());
        detail::setError(error, QStringLiteral("number"), v);
        return std::nullopt;
    }
    static QJsonValue toJson(T v) { return std::isfinite(double(v)) ? QJsonValue(double(v)) : QJsonValue(); }
};

template<>
struct TypeInfo<bool>
{
    static QJsonObject schema() { return {{QStringLiteral("type"), QStringLiteral("boolean")}}; }
    static std::optional<bool> fromJson(const QJsonValue &v, QString *error)
    {
        if (v.isBool())
            return v.toBool();
        detail::setError(error, QStringLiteral("boolean"), v);
        return std::nullopt;
    }
    static QJsonValue toJson(bool v) { return v; }
};

template<>
struct TypeInfo<QString>
{
    static QJsonObject schema() { return {{QStringLiteral("type"), QStringLiteral("string")}}; }
    static std::optional<QString> fromJson(const QJsonValue &v, QString *error)
    {
        if (v.isString())
            return v.toString();
        detail::setError(error, QStringLiteral("string"), v);
        return std::nullopt;
    }
    static QJsonValue toJson(const QString &v) { return v; }
};

template<>
struct TypeInfo<std::string>
{
    static QJsonObject schema() { return TypeInfo<QString>::schema(); }
    static std::optional<std::string> fromJson(const QJsonValue &v, QString *error)
    {
        if (auto s = TypeInfo<QString>::fromJson(v, error))
            return s->toStdString();
        return std::nullopt;
    }
    static QJsonValue toJson(const std::string &v) { return QString::fromStdString(v); }
};

//! Bytes travel as base64 strings (`{"type":"string","format":"byte"}`, Python `bytes`).
template<>
struct TypeInfo<QByteArray>
{
    static QJsonObject schema()
    {
        return {{QStringLiteral("type"), QStringLiteral("string")}, {QStringLiteral("format"), QStringLiteral("byte")}};
    }
    static std::optional<QByteArray> fromJson(const QJsonValue &v, QString *error)
    {
        if (v.isString()) {
            auto decoded = QByteArray::fromBase64Encoding(v.toString().toLatin1(),
                                                          QByteArray::AbortOnBase64DecodingErrors);
            if (decoded)
                return *decoded;
            if (error)
                *error = QStringLiteral("expected base64 bytes, got a string that is not base64");
            return std::nullopt;
        }
        detail::setError(error, QStringLiteral("base64 string"), v);
        return std::nullopt;
    }
    static QJsonValue toJson(const QByteArray &v) { return QString::fromLatin1(v.toBase64()); }
};

template<>
struct TypeInfo<QJsonValue>
{
    static QJsonObject schema() { return {}; }
    static std::optional<QJsonValue> fromJson(const QJsonValue &v, QString *) { return v; }
    static QJsonValue toJson(const QJsonValue &v) { return v; }
};

template<>
struct TypeInfo<QJsonObject>
{
    static QJsonObject schema()
    {
        return {{QStringLiteral("type"), QStringLiteral("object")}, {QStringLiteral("additionalProperties"), QJsonObject()}};
    }
    static std::optional<QJsonObject> fromJson(const QJsonValue &v, QString *error)
    {
        if (v.isObject())
            return v.toObject();
        detail::setError(error, QStringLiteral("object"), v);
        return std::nullopt;
    }
    static QJsonValue toJson(const QJsonObject &v) { return v; }
};

template<>
struct TypeInfo<QJsonArray>
{
    static QJsonObject schema()
    {
        return {{QStringLiteral("type"), QStringLiteral("array")}, {QStringLiteral("items"), QJsonObject()}};
    }
    static std::optional<QJsonArray> fromJson(const QJsonValue &v, QString *error)
    {
        if (v.isArray())
            return v.toArray();
        detail::setError(error, QStringLiteral("array"), v);
        return std::nullopt;
    }
    static QJsonValue toJson(const QJsonArray &v) { return v; }
};

template<typename T>
struct TypeInfo<std::optional<T>>
{
    static QJsonObject schema()
    {
        return {{QStringLiteral("oneOf"),
                 QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("null")}}, TypeInfo<T>::schema()}}};
    }
    static std::optional<std::optional<T>> fromJson(const QJsonValue &v, QString *error)
    {
        if (v.isNull() || v.isUndefined())
            return std::optional<T>();
        if (auto inner = TypeInfo<T>::fromJson(v, error))
            return std::optional<T>(std::move(*inner));
        return std::nullopt;
    }
    static QJsonValue toJson(const std::optional<T> &v) { return v ? TypeInfo<T>::toJson(*v) : QJsonValue(); }
};

namespace detail {
template<typename List, typename T>
struct ListInfo
{
    static QJsonObject schema()
    {
        return {{QStringLiteral("type"), QStringLiteral("array")}, {QStringLiteral("items"), TypeInfo<T>::schema()}};
    }
    static std::optional<List> fromJson(const QJsonValue &v, QString *error)
    {
        if (!v.isArray()) {
            setError(error, QStringLiteral("array"), v);
            return std::nullopt;
        }
        const QJsonArray array = v.toArray();
        List out;
        out.reserve(array.size());
        for (qsizetype i = 0; i < array.size(); ++i) {
            QString inner;
            auto item = TypeInfo<T>::fromJson(array.at(i), &inner);
            if (!item) {
                if (error)
                    *error = QStringLiteral("item %1: %2").arg(i).arg(inner);
                return std::nullopt;
            }
            out.push_back(std::move(*item));
        }
        return out;
    }
    static QJsonValue toJson(const List &list)
    {
        QJsonArray out;
        for (const auto &item : list)
            out.append(TypeInfo<T>::toJson(item));
        return out;
    }
};

template<typename Map, typename T, typename KeyFromString, typename KeyToString>
struct MapInfo
{
    static QJsonObject schema()
    {
        return {{QStringLiteral("type"), QStringLiteral("object")},
                {QStringLiteral("additionalProperties"), TypeInfo<T>::schema()}};
    }
    static std::optional<Map> fromJson(const QJsonValue &v, QString *error)
    {
        if (!v.isObject()) {
            setError(error, QStringLiteral("object"), v);
            return std::nullopt;
        }
        const QJsonObject object = v.toObject();
        Map out;
        for (auto it = object.begin(); it != object.end(); ++it) {
            QString inner;
            auto item = TypeInfo<T>::fromJson(it.value(), &inner);
            if (!item) {
                if (error)
                    *error = QStringLiteral("key \"%1\": %2").arg(it.key(), inner);
                return std::nullopt;
            }
            out.insert_or_assign(KeyFromString{}(it.key()), std::move(*item));
        }
        return out;
    }
    static QJsonValue toJson(const Map &map)
    {
        QJsonObject out;
        for (const auto &[key, value] : map)
            out.insert(KeyToString{}(key), TypeInfo<T>::toJson(value));
        return out;
    }
};
struct QStringKey
{
    QString operator()(const QString &s) const { return s; }
};
struct StdStringFromQString
{
    std::string operator()(const QString &s) const { return s.toStdString(); }
};
struct QStringFromStdString
{
    QString operator()(const std::string &s) const { return QString::fromStdString(s); }
};
} // namespace detail

template<typename T>
struct TypeInfo<QList<T>> : detail::ListInfo<QList<T>, T> {};
template<typename T>
struct TypeInfo<std::vector<T>> : detail::ListInfo<std::vector<T>, T> {};

//! QMap iterates as values, so it gets its own conversion back to JSON.
template<typename T>
struct TypeInfo<QMap<QString, T>>
    : detail::MapInfo<std::map<QString, T>, T, detail::QStringKey, detail::QStringKey>
{
    using Base = detail::MapInfo<std::map<QString, T>, T, detail::QStringKey, detail::QStringKey>;
    static std::optional<QMap<QString, T>> fromJson(const QJsonValue &v, QString *error)
    {
        if (auto m = Base::fromJson(v, error))
            return QMap<QString, T>(*m);
        return std::nullopt;
    }
    static QJsonValue toJson(const QMap<QString, T> &map) { return Base::toJson(map.toStdMap()); }
};
template<typename T>
struct TypeInfo<std::map<std::string, T>>
    : detail::MapInfo<std::map<std::string, T>, T, detail::StdStringFromQString, detail::QStringFromStdString> {};

//! True when TypeInfo<T> is defined, i.e. T can cross the API boundary.
template<typename T, typename = void>
inline constexpr bool isApiType = false;
template<typename T>
inline constexpr bool isApiType<T, std::void_t<decltype(TypeInfo<T>::schema())>> = true;

} // namespace qradio
