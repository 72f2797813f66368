// SPDX-License-Identifier: MIT
#pragma once
//! \file detail/outputs.h
//! Internal: how a callable's results become an endpoint's output list. Not public API.

#include <qradio/types.h>

#include <QJsonArray>

#include <functional>
#include <tuple>

namespace qradio::detail {

using Emit = std::function<void(const QJsonArray &outputs)>;

// ---- outputs -------------------------------------------------------------------------------
template<typename R>
struct Outputs
{
    static_assert(isApiType<R>, "qradio: this return type has no qradio::TypeInfo specialisation");
    static QList<QJsonObject> schemas() { return {TypeInfo<R>::schema()}; }
    static QJsonArray make(const R &r) { return {TypeInfo<R>::toJson(r)}; }
    static constexpr int count = 1;
};
template<>
struct Outputs<void>
{
    static QList<QJsonObject> schemas() { return {}; }
    static constexpr int count = 0;
};
template<typename... T>
struct Outputs<std::tuple<T...>>
{
    static QList<QJsonObject> schemas() { return {TypeInfo<T>::schema()...}; }
    static QJsonArray make(const std::tuple<T...> &r)
    {
        return std::apply([](const auto &...v) { return QJsonArray{TypeInfo<std::decay_t<decltype(v)>>::toJson(v)...}; }, r);
    }
    static constexpr int count = sizeof...(T);
};

inline QJsonArray nullOutputs(int count)
{
    QJsonArray out;
    for (int i = 0; i < count; ++i)
        out.append(QJsonValue());
    return out;
}


} // namespace qradio::detail
