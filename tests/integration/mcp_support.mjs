// SPDX-License-Identifier: MIT
//
// The checks every MCP transport must pass against the calculator, driven by the official
// TypeScript SDK client (@modelcontextprotocol/sdk, pinned by package-lock.json). Each
// mcp_*.test.mjs file connects a Client its own way and calls mcpClientSuite().

import assert from "node:assert/strict";
import { test } from "node:test";
import { McpError } from "@modelcontextprotocol/sdk/types.js";

// Hang guard for the cancellation check, not a timing assertion: the cancelled call sleeps for
// CANCELLED_SECONDS, so a server that did not stop it keeps the next call (same concurrency
// group, limit 1) waiting far longer than this.
const CANCELLED_SECONDS = 120;
const HANG_GUARD_MS = 60_000;

/** Registers the shared tests; `getClient()` returns the connected Client. */
export function mcpClientSuite(getClient) {
  test("initialize: the server offers tools", () => {
    const client = getClient();
    assert.ok(client.getServerCapabilities()?.tools, "tools capability");
    assert.equal(client.getServerVersion()?.name, "Calculator");
  });

  test("ping", async () => {
    assert.deepEqual(await getClient().ping(), {});
  });

  test("tools/list: the marked endpoints, with schemas from their typed parameters", async () => {
    const { tools } = await getClient().listTools();
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
    for (const name of ["add", "multiply", "slow"]) assert.ok(byName[name], `tool ${name} listed`);
    // hello is an API endpoint that is not marked as a tool.
    assert.equal(byName.hello, undefined);

    const add = byName.add;
    assert.equal(add.description, "Add two numbers together.");
    assert.deepEqual(add.inputSchema, {
      type: "object",
      properties: {
        a: { type: "integer", description: "First operand" },
        b: { type: "integer", description: "Second operand" },
      },
      required: ["a", "b"],
    });
    assert.deepEqual(byName.slow.inputSchema.properties.seconds, { type: "number", description: "How long to sleep" });
  });

  test("tools/call add 3 and 5 gives the text 8", async () => {
    const result = await getClient().callTool({ name: "add", arguments: { a: 3, b: 5 } });
    assert.deepEqual(result.content, [{ type: "text", text: "8" }]);
    assert.equal(result.isError, false);
  });

  test("tools/call multiply 4 and 5 gives the text 20", async () => {
    const result = await getClient().callTool({ name: "multiply", arguments: { a: 4, b: 5 } });
    assert.deepEqual(result.content, [{ type: "text", text: "20" }]);
  });

  test("several calls at once", async () => {
    const client = getClient();
    const results = await Promise.all([
      client.callTool({ name: "add", arguments: { a: 1, b: 2 } }),
      client.callTool({ name: "multiply", arguments: { a: 6, b: 7 } }),
      client.callTool({ name: "add", arguments: { a: -4, b: 4 } }),
    ]);
    assert.deepEqual(results.map((r) => r.content[0].text), ["3", "42", "0"]);
  });

  test("an unknown tool is an error", async () => {
    await assert.rejects(getClient().callTool({ name: "no_such_tool", arguments: {} }), (error) => {
      assert.ok(error instanceof McpError, String(error));
      assert.equal(error.code, -32602);
      assert.match(error.message, /Unknown tool: no_such_tool/);
      return true;
    });
  });

  test("arguments of the wrong type are an isError result naming the parameter", async () => {
    const result = await getClient().callTool({ name: "add", arguments: { a: "3", b: 5 } });
    assert.equal(result.isError, true);
    assert.match(result.content[0].text, /^Input validation error: .*'a'/);
  });

  test("a missing argument is an isError result", async () => {
    const result = await getClient().callTool({ name: "add", arguments: { a: 3 } });
    assert.equal(result.isError, true);
    assert.match(result.content[0].text, /'b' is a required property/);
  });

  test("slow reports progress to a caller that asks for it", async () => {
    const updates = [];
    const result = await getClient().callTool({ name: "slow", arguments: { seconds: 0.2 } }, undefined, {
      onprogress: (p) => updates.push(p),
    });
    assert.deepEqual(result.content, [{ type: "text", text: "0.2" }]);
    assert.ok(updates.length >= 2, `progress notifications: ${JSON.stringify(updates)}`);
    for (let i = 1; i < updates.length; ++i)
      assert.ok(updates[i].progress > updates[i - 1].progress, `increasing: ${JSON.stringify(updates)}`);
    assert.ok(updates.every((u) => u.total === 10 && u.progress >= 0 && u.progress <= 10), JSON.stringify(updates));
    // Not checked: that 10/10 arrives. The server sends it before the result, but the SDK client
    // handles notifications a microtask late, so over stdio, where both may come in one read,
    // it can drop the last one after the result has resolved the call.
  });

  test("cancelling a call stops its job", { timeout: HANG_GUARD_MS }, async () => {
    const client = getClient();
    const controller = new AbortController();
    let started;
    const firstProgress = new Promise((resolve) => (started = resolve));
    const call = client.callTool({ name: "slow", arguments: { seconds: CANCELLED_SECONDS } }, undefined, {
      signal: controller.signal,
      onprogress: () => started(),
    });
    await firstProgress; // the job runs
    controller.abort("test cancels");
    await assert.rejects(call);
    // slow has a concurrency limit of 1: this call runs only once the cancelled one has ended.
    const next = await client.callTool({ name: "slow", arguments: { seconds: 0 } });
    assert.deepEqual(next.content, [{ type: "text", text: "0" }]);
  });
}
