// SPDX-License-Identifier: MIT
//
// The official MCP TypeScript SDK client starts the calculator itself with --mcp-stdio, the way
// Claude Desktop does, and speaks MCP over its stdin/stdout.

import assert from "node:assert/strict";
import { once } from "node:events";
import { after, before, describe, test } from "node:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { mcpClientSuite } from "./mcp_support.mjs";

// The SDK hands the server only a few variables (HOME, PATH, ...), as Claude Desktop does; a
// QRADIO_SANITIZE build's server also needs its sanitizer options (suppressions, report folder).
const sanitizerEnv = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => /^(ASAN|LSAN|UBSAN|TSAN)_OPTIONS$/.test(name)));

/** Starts the calculator as an MCP stdio server and connects a Client to it. */
async function connectStdio() {
  const binary = process.env.QRADIO_CALCULATOR;
  assert.ok(binary, "QRADIO_CALCULATOR must name the calculator executable");
  const transport = new StdioClientTransport({
    command: binary, args: ["--mcp-stdio", "--port", "0"], stderr: "pipe", env: sanitizerEnv });
  const stderr = [];
  // A launcher without an MCP stdio hook says so on stderr and never answers: fail at once.
  const unavailable = new Promise((_, reject) => {
    transport.stderr?.setEncoding("utf8").on("data", (chunk) => {
      stderr.push(chunk);
      if (chunk.includes("MCP over stdio is not available"))
        reject(new Error(`--mcp-stdio is not wired to qradio::mcp::startStdio:\n${stderr.join("")}`));
    });
  });
  unavailable.catch(() => {});
  const client = new Client({ name: "qradio-integration", version: "1.0.0" });
  try {
    await Promise.race([client.connect(transport), unavailable]);
  } catch (error) {
    await transport.close(); // ends the child (stdin closed, then SIGTERM)
    throw error;
  }
  return { client, transport, stderr };
}

describe("stdio", () => {
  let connection;
  before(async () => {
    connection = await connectStdio();
  });
  after(async () => {
    await connection?.client.close(); // closes stdin: the app quits by itself
  });

  test("stdout carries nothing but the protocol (logs go to stderr)", async () => {
    // Any stray line on stdout would have failed JSON parsing in the transport by now.
    const { tools } = await connection.client.listTools();
    assert.ok(tools.length > 0);
    assert.ok(connection.stderr.join("").includes("Running on local URL"), connection.stderr.join(""));
  });

  mcpClientSuite(() => connection.client);
});

test("the app quits by itself when the client closes stdin", { timeout: 60_000 }, async () => {
  const { client, transport } = await connectStdio();
  const child = transport._process; // the SDK keeps the ChildProcess here
  const exited = once(child, "exit");
  child.stdin.end();
  const [code, signal] = await exited;
  assert.equal(signal, null);
  assert.equal(code, 0);
  await client.close();
});
