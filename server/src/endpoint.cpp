// SPDX-License-Identifier: MIT
// EndpointBuilder (endpoint.h).
#include <qradio/endpoint.h>
#include <qradio/mcp.h>
#include <qradio/server.h>

#include <stdexcept>

namespace qradio {

EndpointBuilder &EndpointBuilder::params(std::initializer_list<Param> params)
{
    return this->params(QList<Param>(params));
}

EndpointBuilder &EndpointBuilder::params(const QStringList &names)
{
    return params(QList<Param>(names.cbegin(), names.cend()));
}

EndpointBuilder &EndpointBuilder::params(const QList<Param> &params)
{
    const qsizetype takes = m_spec->invoker.paramSchemas.size();
    if (params.size() != takes) {
        // Padding or cutting would publish a schema that lies about the function: refuse, in
        // every build type, while the app is still registering.
        throw std::invalid_argument(
            QStringLiteral("qradio: endpoint '%1': .params() names %2 parameter%3 but the function takes %4 "
                           "(qradio::Context& and qradio::Stream<T>& do not count)")
                .arg(m_spec->name).arg(params.size()).arg(params.size() == 1 ? QLatin1String() : QLatin1String("s")).arg(takes)
                .toStdString());
    }
    m_spec->params = params;
    m_spec->namedParams = true;
    for (qsizetype i = 0; i < m_spec->params.size(); ++i) {
        // Gradio renames parameters that clash with its client keywords.
        const QString &n = m_spec->params[i].name;
        if (n == QLatin1String("api_name") || n == QLatin1String("fn_index") || n == QLatin1String("result_callbacks"))
            m_spec->params[i].name = QStringLiteral("param_%1").arg(i);
    }
    return *this;
}

EndpointBuilder &EndpointBuilder::description(const QString &text) { m_spec->description = text; return *this; }
EndpointBuilder &EndpointBuilder::visibility(Visibility v) { m_spec->visibility = v; return *this; }
EndpointBuilder &EndpointBuilder::queue(bool enabled) { m_spec->queue = enabled; return *this; }
EndpointBuilder &EndpointBuilder::concurrencyLimit(int limit)
{
    m_spec->concurrencyLimit = std::max(0, limit);
    return *this;
}
EndpointBuilder &EndpointBuilder::concurrencyId(const QString &id) { m_spec->concurrencyId = id; return *this; }
EndpointBuilder &EndpointBuilder::timeLimit(double seconds) { m_spec->timeLimit = seconds; return *this; }
EndpointBuilder &EndpointBuilder::streamEvery(double seconds) { m_spec->streamEvery = std::max(0.0, seconds); return *this; }
EndpointBuilder &EndpointBuilder::batch(int maxSize)
{
    m_spec->batch = true;
    m_spec->maxBatchSize = std::max(1, maxSize);
    return *this;
}
EndpointBuilder &EndpointBuilder::mcpTool(const QString &name)
{
    if (m_server)
        m_server->mcp().tool(*this, name);
    else
        qWarning("qradio::EndpointBuilder::mcpTool: '%s' is not an endpoint of a server; it is no tool",
                 qPrintable(m_spec->name));
    return *this;
}

} // namespace qradio
