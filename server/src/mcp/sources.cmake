# SPDX-License-Identifier: MIT
# MCP: tools, resources and prompts over streamable HTTP, legacy SSE and stdio (issue 5).
# Included from server/CMakeLists.txt.
set(_qradio_mcp_sources
  include/qradio/mcp.h
  include/qradio/mcpclient.h
  include/qradio/mcpcontent.h
  src/mcp/calls.cpp
  src/mcp/catalog.cpp
  src/mcp/catalog.h
  src/mcp/mcpclient.cpp
  src/mcp/mcpcontent.cpp
  src/mcp/landing.cpp
  src/mcp/landing.h
  src/mcp/protocol.cpp
  src/mcp/protocol.h
  src/mcp/mcp.cpp
  src/mcp/registry_p.h
  src/mcp/routes.cpp
  src/mcp/service.cpp
  src/mcp/service.h
  src/mcp/session.cpp
  src/mcp/session.h
  src/mcp/stdio.cpp
)
target_sources(qradio_server PRIVATE ${_qradio_mcp_sources})
list(FILTER _qradio_mcp_sources INCLUDE REGEX "\\.cpp$")
list(TRANSFORM _qradio_mcp_sources PREPEND "${CMAKE_CURRENT_LIST_DIR}/../../")
# serverInfo.version of the initialize result.
set_source_files_properties(${_qradio_mcp_sources} PROPERTIES
  COMPILE_DEFINITIONS "QRADIO_MCP_VERSION=\"${PROJECT_VERSION}\"")
unset(_qradio_mcp_sources)
