// SPDX-License-Identifier: MIT
//
// The official MCP TypeScript SDK client against the calculator over HTTP: streamable HTTP at
// /gradio_api/mcp/ and the legacy HTTP+SSE transport at /gradio_api/mcp/sse.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { startCalculator } from "./harness.mjs";
import { mcpClientSuite } from "./mcp_support.mjs";

let server;
before(async () => {
  server = await startCalculator();
});
after(async () => {
  await server?.stop();
});

function newClient() {
  return new Client({ name: "qradio-integration", version: "1.0.0" });
}

describe("streamable HTTP", () => {
  let client;
  let transport;
  before(async () => {
    client = newClient();
    transport = new StreamableHTTPClientTransport(new URL(`${server.url}/gradio_api/mcp/`));
    await client.connect(transport);
  });
  after(async () => {
    await transport?.terminateSession();
    await client?.close();
  });

  test("the server opened a session", () => {
    assert.match(transport.sessionId ?? "", /^[0-9a-f]{32}$/);
  });

  mcpClientSuite(() => client);
});

describe("streamable HTTP without the trailing slash", () => {
  test("add 3 and 5", async () => {
    const client = newClient();
    await client.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/gradio_api/mcp`)));
    const result = await client.callTool({ name: "add", arguments: { a: 3, b: 5 } });
    assert.equal(result.content[0].text, "8");
    await client.close();
  });
});

describe("legacy HTTP+SSE", () => {
  let client;
  before(async () => {
    client = newClient();
    await client.connect(new SSEClientTransport(new URL(`${server.url}/gradio_api/mcp/sse`)));
  });
  after(async () => {
    await client?.close();
  });

  mcpClientSuite(() => client);
});
