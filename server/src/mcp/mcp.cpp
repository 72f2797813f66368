// SPDX-License-Identifier: MIT
// Server::mcp() and the registration API of mcp.h.
#include "registry_p.h"

#include "../privateaccess.h"
#include "../routes.h"
#include "../security/login.h"
#include "../server_p.h"
#include "catalog.h"
#include "service.h"

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcMcp)

namespace qradio {

// ---- Server::mcp ----------------------------------------------------------------------------

namespace {
//! MCP as an extension of the server: its service and routes, built each time it listens.
class McpExtension : public Extension
{
public:
    explicit McpExtension(McpRegistryPrivate *registry) : m_registry(registry) {}
    void install(http::Router &router, const RouteContext &context) override
    {
        if (context.login && context.login->isEnabled() && context.options->mcpServer && context.options->token.isEmpty())
            qCWarning(lcMcp) << "MCP at /gradio_api/mcp/ is not behind the login (as in Gradio); set an access "
                                "token (--token) to protect it";
        mcp::installRoutes(router, context, *m_registry);
    }

private:
    McpRegistryPrivate *m_registry; //!< lives as long as the server
};
} // namespace

McpRegistry &Server::mcp()
{
    if (d->mcp)
        return *d->mcp;
    ServerPrivate *dp = d.get();
    d->mcp = McpRegistryPrivate::make([this, dp](const QString &name, detail::Invoker invoker) {
        addEndpoint(name, std::move(invoker));
        return dp->endpoints.last();
    });
    McpRegistryPrivate *r = PrivateAccess::d(*d->mcp);
    r->server = dp;
    d->extensions.append(std::make_shared<McpExtension>(r));
    return *d->mcp;
}

// ---- McpRegistry ----------------------------------------------------------------------------

std::shared_ptr<McpRegistry> McpRegistryPrivate::make(McpRegistry::AddEndpoint addEndpoint)
{
    return std::shared_ptr<McpRegistry>(new McpRegistry(std::move(addEndpoint)));
}

McpRegistry::McpRegistry(AddEndpoint addEndpoint) : d(std::make_unique<McpRegistryPrivate>())
{
    d->addEndpoint = std::move(addEndpoint);
}

McpRegistry::~McpRegistry() = default;

McpToolBuilder McpRegistry::addTool(const QString &name, detail::Invoker invoker)
{
    Q_ASSERT_X(d->addEndpoint, "qradio::McpRegistry::tool", "register through Server::mcp() before listen()");
    // A private endpoint under a name of its own, so that MCP names never take API names.
    auto spec = d->addEndpoint(QStringLiteral("mcp_tool_") + name, std::move(invoker));
    spec->visibility = Visibility::Private;
    auto meta = std::make_shared<McpToolMeta>();
    meta->name = name;
    d->tools.insert(spec.get(), meta);
    return McpToolBuilder(spec, meta);
}

McpToolBuilder McpRegistry::tool(const EndpointBuilder &endpoint, const QString &name)
{
    std::shared_ptr<EndpointSpec> spec;
    if (d->server)
        for (const auto &e : std::as_const(d->server->endpoints))
            if (e.get() == &endpoint.spec())
                spec = e;
    Q_ASSERT_X(spec, "qradio::McpRegistry::tool", "the endpoint must belong to this server");
    auto meta = d->tools.value(spec.get());
    if (!meta) {
        meta = std::make_shared<McpToolMeta>();
        d->tools.insert(spec.get(), meta);
    }
    if (!name.isEmpty())
        meta->name = name;
    return McpToolBuilder(spec, meta);
}

McpResourceBuilder McpRegistry::addResource(const QString &uri, const QString &name, detail::Invoker invoker)
{
    Q_ASSERT_X(d->addEndpoint, "qradio::McpRegistry::resource", "register through Server::mcp() before listen()");
    const QStringList variables = mcp::UriTemplate(uri).variables();
    Q_ASSERT_X(variables.size() == invoker.paramSchemas.size(), "qradio::McpRegistry::resource",
               "a resource function takes one parameter per template variable");
    auto spec = d->addEndpoint(QStringLiteral("mcp_resource_") + name, std::move(invoker));
    spec->visibility = Visibility::Private;
    for (qsizetype i = 0; i < spec->params.size() && i < variables.size(); ++i)
        spec->params[i].name = variables[i];
    auto meta = std::make_shared<McpResourceMeta>();
    meta->uri = uri;
    meta->name = name;
    d->resources.insert(spec.get(), meta);
    return McpResourceBuilder(spec, meta);
}

McpPromptBuilder McpRegistry::addPrompt(const QString &name, detail::Invoker invoker)
{
    Q_ASSERT_X(d->addEndpoint, "qradio::McpRegistry::prompt", "register through Server::mcp() before listen()");
    auto spec = d->addEndpoint(QStringLiteral("mcp_prompt_") + name, std::move(invoker));
    spec->visibility = Visibility::Private;
    auto meta = std::make_shared<McpPromptMeta>();
    meta->name = name;
    d->prompts.insert(spec.get(), meta);
    return McpPromptBuilder(spec, meta);
}

McpRegistry &McpRegistry::instructions(const QString &text)
{
    d->instructions = text;
    return *this;
}

void McpRegistry::resourceUpdated(const QString &uri)
{
    std::shared_ptr<mcp::Service> service;
    {
        QMutexLocker lock(&d->serviceMutex);
        service = d->service;
    }
    if (service)
        service->post([service, uri] { service->resourceUpdated(uri); });
}

// ---- builders -------------------------------------------------------------------------------

template<typename Builder, typename Meta>
Builder &detail::McpBuilder<Builder, Meta>::description(const QString &text)
{
    m_spec->description = text;
    return self();
}

template<typename Builder, typename Meta>
Builder &detail::McpBuilder<Builder, Meta>::title(const QString &title)
{
    m_meta->title = title;
    return self();
}

template class detail::McpBuilder<McpToolBuilder, McpToolMeta>;
template class detail::McpBuilder<McpResourceBuilder, McpResourceMeta>;
template class detail::McpBuilder<McpPromptBuilder, McpPromptMeta>;

McpToolBuilder &McpToolBuilder::params(std::initializer_list<Param> params)
{
    EndpointBuilder(m_spec).params(params);
    return *this;
}

McpToolBuilder &McpToolBuilder::annotations(const QJsonObject &annotations)
{
    m_meta->annotations = annotations;
    return *this;
}

McpToolBuilder &McpToolBuilder::inputSchema(const QJsonObject &schema)
{
    m_meta->inputSchema = schema;
    return *this;
}

McpToolBuilder &McpToolBuilder::outputSchema(const QJsonObject &schema)
{
    m_meta->outputSchema = schema;
    m_meta->structured = true;
    return *this;
}

McpToolBuilder &McpToolBuilder::structuredOutput(bool enabled)
{
    m_meta->structured = enabled;
    return *this;
}

McpToolBuilder &McpToolBuilder::meta(const QJsonObject &meta)
{
    m_meta->meta = meta;
    return *this;
}

McpResourceBuilder &McpResourceBuilder::mimeType(const QString &mimeType)
{
    m_meta->mimeType = mimeType;
    return *this;
}

McpResourceBuilder &McpResourceBuilder::annotations(const QJsonObject &annotations)
{
    m_meta->annotations = annotations;
    return *this;
}

McpResourceBuilder &McpResourceBuilder::complete(const QString &variable, mcp::Completer completer)
{
    m_meta->completers.insert(variable, std::move(completer));
    return *this;
}

McpPromptBuilder &McpPromptBuilder::params(std::initializer_list<Param> params)
{
    EndpointBuilder(m_spec).params(params);
    return *this;
}

McpPromptBuilder &McpPromptBuilder::complete(const QString &argument, mcp::Completer completer)
{
    m_meta->completers.insert(argument, std::move(completer));
    return *this;
}

} // namespace qradio
