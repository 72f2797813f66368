// SPDX-License-Identifier: MIT
#pragma once

//! \file mcp.h
//! MCP (Model Context Protocol) for a qradio::Server — gradio.Server's `server.mcp`: API
//! endpoints marked as tools, MCP-only tools, resources and prompts, served at
//! `/gradio_api/mcp/` (streamable HTTP, legacy SSE at `/gradio_api/mcp/sse`) when
//! ServerOptions::mcpServer is set, and over stdin/stdout with mcp::startStdio().
//! \code
//! qradio::Server app;
//! app.api("add", [](int a, int b) { return a + b; }).params({"a", "b"}).mcpTool();
//! app.mcp().tool("now", [] { return QDateTime::currentDateTime().toString(); })
//!     .description("The server's local time.");
//! app.mcp().resource("notes://{id}", "note", [](QString id) { return loadNote(id); })
//!     .description("A note by id.").mimeType("text/markdown");
//! app.mcp().prompt("review", [](QString code) { return "Review this code:\n" + code; })
//!     .params({{"code", "The code to review"}}).description("Ask for a code review.");
//! \endcode
//! Every tool, resource and prompt is an endpoint: calls go through the same queue,
//! concurrency limits, progress and cancellation as API calls, in process. MCP-only ones are
//! private endpoints named `mcp_tool_<name>`, `mcp_resource_<name>`, `mcp_prompt_<name>` (so
//! they never take an API name): like Gradio's private endpoints, not in /info and not
//! callable by name over the Gradio API.

#include <qradio/detail/mcpbuilder.h>
#include <qradio/endpoint.h>
#include <qradio/mcpclient.h>
#include <qradio/mcpcontent.h>

#include <QJsonArray>
#include <QJsonObject>
#include <QStringList>

#include <chrono>
#include <functional>
#include <memory>

namespace qradio {

class Context;
class Server;
class McpRegistry;

namespace mcp {

//! Suggestions for an argument of a prompt or a variable of a resource template
//! (completion/complete): the value typed so far and the other arguments already filled in.
//! Runs on a worker thread.
using Completer = std::function<QStringList(const QString &value, const QJsonObject &arguments)>;

//! Speaks MCP over stdin/stdout (one JSON-RPC message per line; logs stay on stderr) for a
//! server that is listening. Call it on the main thread (the launcher does, for
//! `--mcp-stdio`); it returns at once and quits the application (QCoreApplication::exit(0))
//! when stdin closes. Works whether or not ServerOptions::mcpServer is set.
bool startStdio(Server &server);

} // namespace mcp

// ---- registration ----------------------------------------------------------------------------

struct McpToolMeta;
struct McpResourceMeta;
struct McpPromptMeta;


//! Returned by McpRegistry::tool(); each setter returns the builder for chaining.
class McpToolBuilder : public detail::McpBuilder<McpToolBuilder, McpToolMeta>
{
public:
    using McpBuilder::McpBuilder;
    //! Names (and describes, with defaults and choices) the parameters, as EndpointBuilder::params.
    McpToolBuilder &params(std::initializer_list<Param> params);
    //! Tool annotations: readOnlyHint, destructiveHint, idempotentHint, openWorldHint.
    McpToolBuilder &annotations(const QJsonObject &annotations);
    //! Replaces the inputSchema generated from the parameters (arguments are still matched to
    //! parameters by name).
    McpToolBuilder &inputSchema(const QJsonObject &schema);
    //! Declares an outputSchema; the tool's single output is then sent as structuredContent.
    McpToolBuilder &outputSchema(const QJsonObject &schema);
    //! Sends the result as structuredContent with an outputSchema even when it is not an
    //! object (then wrapped as {"result": value}); false: never. Default: objects only.
    McpToolBuilder &structuredOutput(bool enabled = true);
    //! `_meta` of the tool listing (e.g. {"openai/outputTemplate": ...}).
    McpToolBuilder &meta(const QJsonObject &meta);
};

//! Returned by McpRegistry::resource().
class McpResourceBuilder : public detail::McpBuilder<McpResourceBuilder, McpResourceMeta>
{
public:
    using McpBuilder::McpBuilder;
    //! Default "text/plain".
    McpResourceBuilder &mimeType(const QString &mimeType);
    //! Resource annotations: audience, priority, lastModified.
    McpResourceBuilder &annotations(const QJsonObject &annotations);
    //! Completion of a template variable.
    McpResourceBuilder &complete(const QString &variable, mcp::Completer completer);
};

//! Returned by McpRegistry::prompt().
class McpPromptBuilder : public detail::McpBuilder<McpPromptBuilder, McpPromptMeta>
{
public:
    using McpBuilder::McpBuilder;
    //! Names and describes the arguments; one with a default is optional.
    McpPromptBuilder &params(std::initializer_list<Param> params);
    //! Completion of an argument. Arguments with choices complete from them without one.
    McpPromptBuilder &complete(const QString &argument, mcp::Completer completer);
};

class McpRegistryPrivate;
struct PrivateAccess;

//! The MCP side of a server (gradio.Server's `server.mcp`). Get it with Server::mcp();
//! register before listen().
class McpRegistry
{
public:
    ~McpRegistry();
    McpRegistry(const McpRegistry &) = delete;
    McpRegistry &operator=(const McpRegistry &) = delete;

    //! An MCP-only tool: a private endpoint (not in /info, not callable by name over the Gradio
    //! API) listed as the tool `name`. `fn` takes the forms Server::api() accepts; its result
    //! may also be mcp::Content, QList<mcp::Content> or mcp::ToolResult. A single object result
    //! (QJsonObject, a map, a TypeInfo object type) is sent as structuredContent with an
    //! outputSchema; anything else is text (strings as they are, other values as JSON).
    template<typename F>
    McpToolBuilder tool(const QString &name, F &&fn)
    {
        return addTool(name, detail::makeInvoker(std::forward<F>(fn)));
    }
    //! Exposes an API endpoint as a tool (as EndpointBuilder::mcpTool) and gives access to its
    //! MCP-only settings.
    McpToolBuilder tool(const EndpointBuilder &endpoint, const QString &name = {});

    //! A resource. `uri` is fixed ("config://app") or an RFC 6570 level-1 template
    //! ("users://{id}/profile"; `{+path}` may span slashes). A template's function takes one
    //! parameter per variable, in order (strings, or numbers/booleans parsed from them); a fixed
    //! resource's function takes none. It returns QString, QByteArray, mcp::ResourceContents or
    //! QList<mcp::ResourceContents>.
    template<typename F>
    McpResourceBuilder resource(const QString &uri, const QString &name, F &&fn)
    {
        return addResource(uri, name, detail::makeInvoker(std::forward<F>(fn)));
    }

    //! A prompt. Its parameters are the prompt's arguments (clients send strings; numbers and
    //! booleans are parsed). It returns QString, mcp::PromptResult or QList<mcp::PromptMessage>.
    template<typename F>
    McpPromptBuilder prompt(const QString &name, F &&fn)
    {
        return addPrompt(name, detail::makeInvoker(std::forward<F>(fn)));
    }

    //! `instructions` of the initialize result: how to use this server, for the model.
    McpRegistry &instructions(const QString &text);
    //! Tells subscribed clients that a resource changed (notifications/resources/updated).
    //! Thread-safe; a no-op when not serving.
    void resourceUpdated(const QString &uri);

private:
    friend class McpRegistryPrivate;
    friend struct PrivateAccess;
    using AddEndpoint = std::function<std::shared_ptr<EndpointSpec>(const QString &, detail::Invoker)>;
    explicit McpRegistry(AddEndpoint addEndpoint);
    McpToolBuilder addTool(const QString &name, detail::Invoker invoker);
    McpResourceBuilder addResource(const QString &uri, const QString &name, detail::Invoker invoker);
    McpPromptBuilder addPrompt(const QString &name, detail::Invoker invoker);

    std::unique_ptr<McpRegistryPrivate> d;
};

} // namespace qradio
