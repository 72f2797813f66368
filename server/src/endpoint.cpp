// SPDX-License-Identifier: MIT
// EndpointBuilder (endpoint.h).
#include <qradio/endpoint.h>
#include <qradio/mcp.h>
#include <qradio/server.h>

namespace qradio {

EndpointBuilder &EndpointBuilder::params(std::initializer_list<Param> params)
{
    Q_ASSERT_X(qsizetype(params.size()) == m_spec->invoker.paramSchemas.size(), "qradio::EndpointBuilder::params",
               "the number of names must match the function's API parameters");
    m_spec->params = QList<Param>(params);
    while (m_spec->params.size() < m_spec->invoker.paramSchemas.size())
        m_spec->params.append(Param(QStringLiteral("param_%1").arg(m_spec->params.size())));
    m_spec->params.resize(m_spec->invoker.paramSchemas.size(), Param(QString()));
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
