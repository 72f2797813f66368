// SPDX-License-Identifier: MIT
#pragma once

namespace qradio {

namespace http {
class Router;
}
struct RouteContext;

//! A part of the server that brings routes and services of its own beside the Gradio API (MCP).
//! It registers itself with the server (ServerPrivate::extensions); the core installs every
//! extension after the built-in routes each time it starts listening.
class Extension
{
public:
    virtual ~Extension() = default;
    //! Adds its routes; may keep what it needs of `context` until the core stops.
    virtual void install(http::Router &router, const RouteContext &context) = 0;
};

} // namespace qradio
