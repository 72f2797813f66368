// SPDX-License-Identifier: MIT
#include "fixtures.h"

#include <qradio/app.h>
#include <qradio/mcp.h>

int main(int argc, char **argv)
{
    qradio::Server app({.title = QStringLiteral("mcp-conformance-test-server")});
    registerConformanceFixtures(app);
    return qradio::launch(app, argc, argv,
                          {.title = QStringLiteral("MCP conformance fixtures"),
                           .mcpServer = true,
                           .mcpStdio = qradio::mcp::startStdio});
}
