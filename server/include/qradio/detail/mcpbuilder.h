// SPDX-License-Identifier: MIT
#pragma once

//! \file detail/mcpbuilder.h
//! Implementation detail of mcp.h: the base of its tool, resource and prompt builders.

#include <qradio/endpoint.h>

#include <memory>

namespace qradio::detail {

//! What the three MCP builders share: the endpoint behind them and their MCP-only settings.
template<typename Builder, typename Meta>
class McpBuilder
{
public:
    McpBuilder(std::shared_ptr<EndpointSpec> spec, std::shared_ptr<Meta> meta)
        : m_spec(std::move(spec)), m_meta(std::move(meta))
    {}
    Builder &description(const QString &text);
    //! A human-readable name for clients' UIs.
    Builder &title(const QString &title);
    //! Queue settings (concurrency limit, time limit, ...) of the underlying endpoint.
    EndpointBuilder endpoint() const { return EndpointBuilder(m_spec); }

protected:
    Builder &self() { return static_cast<Builder &>(*this); }
    std::shared_ptr<EndpointSpec> m_spec;
    std::shared_ptr<Meta> m_meta;
};

} // namespace qradio::detail
