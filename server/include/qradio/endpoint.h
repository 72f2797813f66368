// SPDX-License-Identifier: MIT
#pragma once

//! \file endpoint.h
//! Describing an API endpoint: parameters, visibility, queueing, concurrency.

#include <qradio/invoker.h>

#include <QJsonValue>
#include <QString>

#include <initializer_list>
#include <memory>
#include <optional>

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

    //! Names (and describes) the parameters in order. Their count must match the function's.
    EndpointBuilder &params(std::initializer_list<Param> params);
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

} // namespace qradio
