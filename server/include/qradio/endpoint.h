// SPDX-License-Identifier: MIT
#pragma once

//! \file endpoint.h
//! Describing an API endpoint: parameters, visibility, queueing, concurrency.

#include <qradio/invoker.h>

#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>

#include <cstddef>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <optional>
#include <ranges>
#include <type_traits>

namespace qradio {

class Server;

//! One declared parameter: its name (C++ cannot see it), a description and an optional default.
struct Param
{
    Param(const char *name) : name(QString::fromUtf8(name)) {}
    Param(QString name) : name(std::move(name)) {}
    Param(QString name, QString description, QJsonValue defaultValue = QJsonValue::Undefined)
        : name(std::move(name)), description(std::move(description)), defaultValue(std::move(defaultValue))
    {}
    QString name;
    QString description;
    QJsonValue defaultValue = QJsonValue::Undefined; //!< Undefined: required; null: defaults to None
    QJsonArray choices;                              //!< when set, the value must be one of these

    bool hasDefault() const { return !defaultValue.isUndefined(); }
};

//! Gradio's api_visibility: public endpoints are listed in /info and the docs page;
//! undocumented ones are callable but unlisted; private ones cannot be called by name.
enum class Visibility { Public, Undocumented, Private };

//! Everything known about one endpoint. Filled by EndpointBuilder, read-only once serving.
struct EndpointSpec
{
    int id = 0;                          //!< fn_index: registration order
    QString name;                        //!< api_name, without a leading slash
    QString description;
    QList<Param> params;
    detail::Invoker invoker;
    Visibility visibility = Visibility::Public;
    bool queue = true;
    std::optional<int> concurrencyLimit; //!< unset: the server default; 0: unlimited
    QString concurrencyId;               //!< empty: the endpoint's own group
    std::optional<double> timeLimit;     //!< seconds
    double streamEvery = 0;              //!< seconds between streamed updates; 0: every value
    bool batch = false;
    int maxBatchSize = 4;
    bool namedParams = false;            //!< params() was called (else: param_0, param_1, ...)
};

//! Returned by Server::api(); each setter returns the builder for chaining.
//! \code
//! app.api("add", [](int a, int b) { return a + b; })
//!     .params({{"a", "First operand"}, {"b", "Second operand"}})
//!     .description("Add two numbers together.");
//! \endcode
class EndpointBuilder
{
public:
    //! `server`: the one the endpoint belongs to, for mcpTool().
    explicit EndpointBuilder(std::shared_ptr<EndpointSpec> spec, Server *server = nullptr)
        : m_spec(std::move(spec)), m_server(server)
    {}

    //! Names (and describes) the parameters in order. Their count must match the function's API
    //! parameters (all but qradio::Context& and qradio::Stream<T>&): a mismatch throws
    //! std::invalid_argument naming the endpoint and both counts. Through Server::api() a braced
    //! list is checked at compile time instead (ApiBuilder).
    EndpointBuilder &params(std::initializer_list<Param> params);
    EndpointBuilder &params(const QList<Param> &params);
    EndpointBuilder &params(const QStringList &names);
    EndpointBuilder &description(const QString &text);
    EndpointBuilder &visibility(Visibility visibility);
    //! false: the JS client calls it through /run, outside the queue (Gradio's queue=False).
    EndpointBuilder &queue(bool enabled);
    //! At most `limit` calls of this endpoint (or its concurrency group) run at once; 0 = unlimited.
    EndpointBuilder &concurrencyLimit(int limit);
    //! Endpoints with the same id share one limit (the lowest one set among them).
    EndpointBuilder &concurrencyId(const QString &id);
    //! Stops a call after this many seconds and tells the client why.
    EndpointBuilder &timeLimit(double seconds);
    //! For streaming endpoints: send updates at most this often (seconds).
    EndpointBuilder &streamEvery(double seconds);
    //! The function takes lists and returns lists; up to `maxSize` waiting calls run together.
    EndpointBuilder &batch(int maxSize = 4);
    //! Also exposes the endpoint as an MCP tool, optionally under another name.
    EndpointBuilder &mcpTool(const QString &name = {});

    const EndpointSpec &spec() const { return *m_spec; }

private:
    std::shared_ptr<EndpointSpec> m_spec;
    Server *m_server = nullptr;
};

namespace detail {
//! Instantiated with the two counts so that the compiler's error names them.
template<std::size_t NamesGiven, int FunctionTakes>
struct ParamCountCheck
{
    static_assert(NamesGiven == std::size_t(FunctionTakes),
                  "qradio: .params() names a different number of parameters than the function takes "
                  "(qradio::Context& and qradio::Stream<T>& do not count); see ParamCountCheck<names given, "
                  "function takes>");
    static constexpr bool ok = true;
};
} // namespace detail

//! What Server::api() returns: an EndpointBuilder that knows the function's number of API
//! parameters (`Arity`), so that params() with a braced list fails to compile when the count
//! differs. A list built at run time (QStringList, QList<Param>) is checked when it is given.
//! \code
//! app.api("add", [](int a, int b) { return a + b; }).params({"a", "b"});       // compiles
//! app.api("add", [](int a, int b) { return a + b; }).params({"a"});            // does not
//! \endcode
template<int Arity>
class ApiBuilder : public EndpointBuilder
{
public:
    explicit ApiBuilder(EndpointBuilder builder) : EndpointBuilder(std::move(builder)) {}

    template<std::size_t N>
    ApiBuilder &params(const Param (&names)[N])
    {
        static_assert(detail::ParamCountCheck<N, Arity>::ok);
        EndpointBuilder::params(QList<Param>(std::begin(names), std::end(names)));
        return *this;
    }
    //! A run-time list of names or Params; a wrong count throws std::invalid_argument.
    template<typename List>
        requires std::ranges::range<List> && (!std::is_array_v<List>)
    ApiBuilder &params(const List &list)
    {
        if constexpr (std::is_convertible_v<const List &, QStringList>)
            EndpointBuilder::params(QStringList(list));
        else
            EndpointBuilder::params(QList<Param>(std::ranges::begin(list), std::ranges::end(list)));
        return *this;
    }
    // The other setters, returning this builder so that params() may come anywhere in the chain.
    ApiBuilder &description(const QString &text) { EndpointBuilder::description(text); return *this; }
    ApiBuilder &visibility(Visibility v) { EndpointBuilder::visibility(v); return *this; }
    ApiBuilder &queue(bool enabled) { EndpointBuilder::queue(enabled); return *this; }
    ApiBuilder &concurrencyLimit(int limit) { EndpointBuilder::concurrencyLimit(limit); return *this; }
    ApiBuilder &concurrencyId(const QString &id) { EndpointBuilder::concurrencyId(id); return *this; }
    ApiBuilder &timeLimit(double seconds) { EndpointBuilder::timeLimit(seconds); return *this; }
    ApiBuilder &streamEvery(double seconds) { EndpointBuilder::streamEvery(seconds); return *this; }
    ApiBuilder &batch(int maxSize = 4) { EndpointBuilder::batch(maxSize); return *this; }
    ApiBuilder &mcpTool(const QString &name = {}) { EndpointBuilder::mcpTool(name); return *this; }
};

} // namespace qradio
