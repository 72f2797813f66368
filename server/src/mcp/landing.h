// SPDX-License-Identifier: MIT
#pragma once

#include "catalog.h"

#include <qradio/server.h>

namespace qradio::mcp {

//! The page a browser gets at GET /gradio_api/mcp/: the server URL, ready-to-paste client
//! configurations (URL, mcp-remote, stdio) and what the server offers.
QString landingPage(const Catalog &catalog, const Request &request, const ServerOptions &options);

//! The name clients' configurations give this server: the title in lower case, dashes for
//! anything but letters and digits.
QString configName(const QString &title);

} // namespace qradio::mcp
