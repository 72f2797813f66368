// SPDX-License-Identifier: MIT
//
// The official MCP TypeScript SDK client against the calculator over HTTP: streamable HTTP at
// /gradio_api/mcp/ and the legacy HTTP+SSE transport at /gradio_api/mcp/sse.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { startFileOrigin } from "./file_origin.mjs";
import { startCalculator } from "./harness.mjs";
import { mcpClientSuite } from "./mcp_support.mjs";

let server;
before(async () => {
  server = await startCalculator({ args: ["--file-url-network", "127.0.0.2"] });
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

describe("files through MCP", () => {
  // A 1x1 red PNG.
  const png = Buffer.from(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==", "base64");
  let client;
  let origin;
  before(async () => {
    client = newClient();
    await client.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/gradio_api/mcp/`)));
    origin = await startFileOrigin({ "/pictures/red.png": png });
  });
  after(async () => {
    await client?.close();
    await origin?.stop();
  });

  test("a file parameter is a string (a data: URL)", async () => {
    const { tools } = await client.listTools();
    const echo = tools.find((t) => t.name === "echo_file");
    assert.ok(echo, "echo_file is a tool");
    assert.equal(echo.inputSchema.properties.file.type, "string");
  });

  test("an image in, image content and its URL out", async () => {
    const result = await client.callTool({
      name: "echo_file", arguments: { file: `data:image/png;base64,${png.toString("base64")}` } });
    assert.equal(result.isError, false, JSON.stringify(result));
    assert.equal(result.content[0].type, "image");
    assert.equal(result.content[0].mimeType, "image/png");
    assert.deepEqual(Buffer.from(result.content[0].data, "base64"), png);
    assert.match(result.content[1].text, /^Image URL: http:\/\/.*\/gradio_api\/file=.*\/file\.png$/);
    const url = result.content[1].text.slice("Image URL: ".length);
    assert.deepEqual(Buffer.from(await (await fetch(url)).arrayBuffer()), png);
  });

  test("another file comes back as its URL", async () => {
    const result = await client.callTool({
      name: "echo_file", arguments: { file: `data:text/plain;base64,${Buffer.from("hi").toString("base64")}` } });
    assert.equal(result.isError, false, JSON.stringify(result));
    assert.equal(result.content.length, 1);
    assert.equal(await (await fetch(result.content[0].text)).text(), "hi");
  });

  test("an image given by http URL is fetched and comes back as image content", async () => {
    const result = await client.callTool({ name: "echo_file", arguments: { file: origin.url("/pictures/red.png") } });
    assert.equal(result.isError, false, JSON.stringify(result));
    assert.equal(result.content[0].type, "image");
    assert.deepEqual(Buffer.from(result.content[0].data, "base64"), png);
    assert.match(result.content[1].text, /\/red\.png$/);
  });

  test("an inner address, a redirect inward or a server path is refused with a clear message", async () => {
    const cases = [
      ["http://10.0.0.1/cat.png", /Parameter 'file': cannot fetch .*10\.0\.0\.1 is not a public address/],
      [origin.url("/to-inner"), /Parameter 'file': cannot fetch .*127\.0\.0\.1 is not a public address/],
      ["/etc/passwd", /Parameter 'file'/],
    ];
    for (const [file, message] of cases) {
      const result = await client.callTool({ name: "echo_file", arguments: { file } });
      assert.equal(result.isError, true, file);
      assert.match(result.content[0].text, message, file);
    }
  });
});
