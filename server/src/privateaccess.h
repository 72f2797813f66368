// SPDX-License-Identifier: MIT
#pragma once

#include <qradio/context.h>
#include <qradio/mcp.h>
#include <qradio/server.h>

namespace qradio {

//! The internal state behind the public classes, for the library's own files only (the public
//! headers name this struct as a friend and keep their pointers private).
struct PrivateAccess
{
    static ServerPrivate *d(const Server &server) { return server.d.get(); }
    static McpRegistryPrivate *d(const McpRegistry &registry) { return registry.d.get(); }
    static ContextPrivate *d(const Context &context) { return context.d.get(); }
};

} // namespace qradio
