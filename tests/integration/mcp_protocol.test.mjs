// SPDX-License-Identifier: MIT
//
// The MCP endpoint at the HTTP and JSON-RPC level, with raw requests: version negotiation,
// malformed messages, sessions, DNS-rebinding protection, the browser page, the schema, and
// the routes' absence when MCP is off.

import assert from "node:assert/strict";
import http from "node:http";
import { after, before, describe, test } from "node:test";
import { startCalculator } from "./harness.mjs";

let server;
before(async () => {
  server = await startCalculator();
});
after(async () => {
  await server?.stop();
});

/** A raw request (node:http, so Host can be set). Resolves { status, headers, text, json }. */
function request(method, path, { headers = {}, body, port = server.port } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method, path, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (c) => (text += c)).on("end", () => {
        let json;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
    });
    req.on("error", reject);
    if (body !== undefined) req.end(typeof body === "string" ? body : JSON.stringify(body));
    else req.end();
  });
}

const JSON_HEADERS = { "Content-Type": "application/json", Accept: "application/json, text/event-stream" };

function rpc(body, headers = {}, path = "/gradio_api/mcp/") {
  return request("POST", path, { headers: { ...JSON_HEADERS, ...headers }, body });
}

function initialize(protocolVersion = "2025-11-25") {
  return rpc({
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: { protocolVersion, capabilities: {}, clientInfo: { name: "raw", version: "1" } },
  });
}

describe("initialize", () => {
  test("echoes every supported version", async () => {
    for (const version of ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"]) {
      const r = await initialize(version);
      assert.equal(r.status, 200);
      assert.equal(r.json.result.protocolVersion, version);
    }
  });

  test("answers an unknown version with the newest it speaks", async () => {
    for (const version of ["2026-07-28", "1999-01-01"]) {
      const r = await initialize(version);
      assert.equal(r.json.result.protocolVersion, "2025-11-25");
    }
  });

  test("declares its capabilities and names itself after the app", async () => {
    const { json, headers } = await initialize();
    const caps = json.result.capabilities;
    for (const key of ["tools", "resources", "prompts", "logging", "completions"]) assert.ok(caps[key], key);
    assert.equal(json.result.serverInfo.name, "Calculator");
    assert.match(headers["mcp-session-id"], /^[0-9a-f]{32}$/);
  });

  test("without a protocolVersion is invalid params", async () => {
    const r = await rpc({ jsonrpc: "2.0", id: 7, method: "initialize", params: {} });
    assert.equal(r.json.id, 7);
    assert.equal(r.json.error.code, -32602);
  });
});

describe("JSON-RPC errors", () => {
  test("malformed JSON is a parse error", async () => {
    const r = await rpc("{not json");
    assert.equal(r.status, 400);
    assert.equal(r.json.error.code, -32700);
    assert.equal(r.json.id, null);
  });

  test("a batch is refused", async () => {
    const r = await rpc([{ jsonrpc: "2.0", id: 1, method: "ping" }]);
    assert.equal(r.status, 400);
    assert.equal(r.json.error.code, -32600);
  });

  test("not JSON-RPC 2.0 is an invalid request", async () => {
    for (const body of [{ id: 1, method: "ping" }, { jsonrpc: "2.0", id: 1, method: 42 }, { jsonrpc: "2.0", id: null, method: "ping" },
                        { jsonrpc: "2.0", id: { a: 1 }, method: "ping" }, 42, JSON.stringify("ping"), { jsonrpc: "2.0" }]) {
      const r = await rpc(body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.json.error.code, -32600, JSON.stringify(body));
    }
  });

  test("params that are not an object are invalid params", async () => {
    const r = await rpc({ jsonrpc: "2.0", id: 3, method: "tools/list", params: [1, 2] });
    assert.equal(r.json.id, 3);
    assert.equal(r.json.error.code, -32602);
  });

  test("an unknown method is method-not-found", async () => {
    const r = await rpc({ jsonrpc: "2.0", id: "x", method: "no/such/method" });
    assert.equal(r.status, 200);
    assert.equal(r.json.id, "x");
    assert.equal(r.json.error.code, -32601);
  });

  test("bad tools/call params", async () => {
    let r = await rpc({ jsonrpc: "2.0", id: 4, method: "tools/call", params: { name: "add", arguments: [3, 5] } });
    assert.equal(r.json.error.code, -32602);
    r = await rpc({ jsonrpc: "2.0", id: 5, method: "tools/call", params: {} });
    assert.equal(r.json.error.code, -32602);
  });

  test("a wrong Content-Type is refused", async () => {
    const r = await request("POST", "/gradio_api/mcp/", { headers: { "Content-Type": "text/plain" }, body: "{}" });
    assert.equal(r.status, 415);
  });

  test("an unsupported MCP-Protocol-Version header is a 400", async () => {
    const r = await rpc({ jsonrpc: "2.0", id: 1, method: "ping" }, { "MCP-Protocol-Version": "1999-01-01" });
    assert.equal(r.status, 400);
    assert.equal(r.json.error.code, -32600);
    assert.match(r.json.error.message, /Unsupported protocol version: 1999-01-01/);
  });

  test("the server survives garbage and still answers", async () => {
    for (const body of ["", "[]", "null", "\u0000\u0001", "{\"jsonrpc\":\"2.0\",\"id\":1e400,\"method\":\"ping\"}"]) await rpc(body);
    const r = await rpc({ jsonrpc: "2.0", id: 9, method: "ping" });
    assert.deepEqual(r.json, { jsonrpc: "2.0", id: 9, result: {} });
  });
});

describe("without a session (as Gradio does)", () => {
  test("requests need no initialize", async () => {
    const r = await rpc({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "add", arguments: { a: 3, b: 5 } } });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.result.content, [{ type: "text", text: "8" }]);
  });

  test("a notification is accepted with 202", async () => {
    const r = await rpc({ jsonrpc: "2.0", method: "notifications/initialized" });
    assert.equal(r.status, 202);
    assert.equal(r.text, "");
  });

  test("a JSON-only client gets JSON even for a call that reports progress", async () => {
    const r = await rpc(
      { jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "slow", arguments: { seconds: 0.05 }, _meta: { progressToken: 1 } } },
      { Accept: "application/json" });
    assert.match(r.headers["content-type"], /^application\/json/);
    assert.equal(r.json.result.content[0].text, "0.05");
  });

  test("a progressToken turns the answer into an event stream of progress, then the result", async () => {
    const r = await rpc({ jsonrpc: "2.0", id: 4, method: "tools/call",
                          params: { name: "slow", arguments: { seconds: 0.05 }, _meta: { progressToken: "p" } } });
    assert.match(r.headers["content-type"], /^text\/event-stream/);
    const messages = r.text.split("\n").filter((l) => l.startsWith("data: ")).map((l) => JSON.parse(l.slice(6)));
    const progress = messages.filter((m) => m.method === "notifications/progress");
    assert.ok(progress.length >= 1);
    assert.ok(progress.every((m) => m.params.progressToken === "p"));
    assert.equal(messages.at(-1).id, 4);
    assert.equal(messages.at(-1).result.content[0].text, "0.05");
  });

  test("without a progressToken no progress is sent, only the result", async () => {
    const r = await rpc({ jsonrpc: "2.0", id: 5, method: "tools/call", params: { name: "slow", arguments: { seconds: 0.05 } } });
    const messages = r.headers["content-type"].startsWith("text/event-stream")
      ? r.text.split("\n").filter((l) => l.startsWith("data: ")).map((l) => JSON.parse(l.slice(6)))
      : [r.json];
    assert.deepEqual(messages.map((m) => m.method ?? m.id), [5]);
    assert.equal(messages[0].result.content[0].text, "0.05");
  });

  test("?tools= limits the tools listed and callable", async () => {
    let r = await rpc({ jsonrpc: "2.0", id: 1, method: "tools/list" }, {}, "/gradio_api/mcp/?tools=add");
    assert.deepEqual(r.json.result.tools.map((t) => t.name), ["add"]);
    r = await rpc({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "multiply", arguments: { a: 1, b: 1 } } }, {},
                  "/gradio_api/mcp/?tools=add");
    assert.equal(r.json.error.code, -32602);
  });
});

describe("sessions", () => {
  test("an unknown session is a 404", async () => {
    const r = await rpc({ jsonrpc: "2.0", id: 1, method: "ping" }, { "Mcp-Session-Id": "0123456789abcdef0123456789abcdef" });
    assert.equal(r.status, 404);
  });

  test("a session works until it is deleted", async () => {
    const session = (await initialize()).headers["mcp-session-id"];
    const headers = { "Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-11-25" };
    assert.equal((await rpc({ jsonrpc: "2.0", method: "notifications/initialized" }, headers)).status, 202);
    assert.equal((await rpc({ jsonrpc: "2.0", id: 2, method: "ping" }, headers)).status, 200);
    const del = await request("DELETE", "/gradio_api/mcp/", { headers });
    assert.equal(del.status, 200);
    assert.equal((await rpc({ jsonrpc: "2.0", id: 3, method: "ping" }, headers)).status, 404);
  });

  test("GET with an event-stream Accept needs a session", async () => {
    const r = await request("GET", "/gradio_api/mcp/", { headers: { Accept: "text/event-stream" } });
    assert.equal(r.status, 405);
  });
});

describe("DNS-rebinding protection on every MCP route", () => {
  const routes = [
    ["POST", "/gradio_api/mcp/"],
    ["GET", "/gradio_api/mcp/"],
    ["GET", "/gradio_api/mcp/sse"],
    ["POST", "/gradio_api/mcp/messages/?session_id=0123456789abcdef0123456789abcdef"],
    ["GET", "/gradio_api/mcp/schema"],
    ["DELETE", "/gradio_api/mcp/"],
  ];

  test("a foreign Host from this machine is refused", async () => {
    for (const [method, path] of routes) {
      const r = await request(method, path, { headers: { ...JSON_HEADERS, Host: "evil.example.com" }, body: method === "POST" ? "{}" : undefined });
      assert.equal(r.status, 403, `${method} ${path}`);
    }
  });

  test("a foreign Origin is refused", async () => {
    for (const [method, path] of routes) {
      const r = await request(method, path, {
        headers: { ...JSON_HEADERS, Origin: "http://evil.example.com" },
        body: method === "POST" ? "{}" : undefined,
      });
      assert.equal(r.status, 403, `${method} ${path}`);
    }
  });

  test("loopback names and addresses with their own origin are accepted", async () => {
    for (const host of [`localhost:${server.port}`, `127.0.0.1:${server.port}`, `[::1]:${server.port}`, `app.localhost:${server.port}`]) {
      const r = await request("POST", "/gradio_api/mcp/", {
        headers: { ...JSON_HEADERS, Host: host, Origin: `http://${host}` },
        body: { jsonrpc: "2.0", id: 1, method: "ping" },
      });
      assert.equal(r.status, 200, host);
    }
  });

  test("bound to loopback, a LAN address or another local origin is refused", async () => {
    const ping = { jsonrpc: "2.0", id: 1, method: "ping" };
    const lan = await request("POST", "/gradio_api/mcp/", { headers: { ...JSON_HEADERS, Host: "10.1.2.3" }, body: ping });
    assert.equal(lan.status, 403);
    const otherPort = await request("POST", "/gradio_api/mcp/", {
      headers: { ...JSON_HEADERS, Origin: "http://localhost:3000" },
      body: ping,
    });
    assert.equal(otherPort.status, 403);
  });
});

describe("the other routes", () => {
  test("a browser gets a page with the URL and client configurations", async () => {
    const r = await request("GET", "/gradio_api/mcp/", { headers: { Accept: "text/html" } });
    assert.equal(r.status, 200);
    assert.match(r.headers["content-type"], /^text\/html/);
    assert.ok(r.text.includes(`${server.url}/gradio_api/mcp/`), r.text);
    assert.ok(r.text.includes("mcp-remote"));
    assert.ok(r.text.includes("--mcp-stdio"));
    assert.ok(r.text.includes("&quot;url&quot;") || r.text.includes("\"url\""));
  });

  test("/gradio_api/mcp/schema lists the tools with their input schemas", async () => {
    const r = await request("GET", "/gradio_api/mcp/schema");
    assert.equal(r.status, 200);
    const add = r.json.find((t) => t.name === "add");
    assert.deepEqual(add.meta, { file_data_present: false, mcp_type: "tool", endpoint_name: "add" });
    assert.deepEqual(add.inputSchema.required, ["a", "b"]);
    const only = await request("GET", "/gradio_api/mcp/schema?tools=multiply");
    assert.deepEqual(only.json.map((t) => t.name), ["multiply"]);
  });

  test("the /http alias and the slash-less spelling are the same endpoint", async () => {
    for (const path of ["/gradio_api/mcp", "/gradio_api/mcp/http", "/gradio_api/mcp/http/"]) {
      const r = await rpc({ jsonrpc: "2.0", id: 1, method: "ping" }, {}, path);
      assert.equal(r.status, 200, path);
    }
  });

  test("other paths under /gradio_api/mcp are 404, known ones with another method 405", async () => {
    assert.equal((await request("GET", "/gradio_api/mcp/nothing")).status, 404);
    assert.equal((await request("POST", "/gradio_api/mcp/sse", { headers: JSON_HEADERS, body: "{}" })).status, 405);
    assert.equal((await request("PUT", "/gradio_api/mcp/")).status, 405);
  });

  test("legacy messages endpoint: session checks", async () => {
    let r = await request("POST", "/gradio_api/mcp/messages/", { headers: JSON_HEADERS, body: "{}" });
    assert.equal(r.status, 400);
    r = await request("POST", "/gradio_api/mcp/messages/?session_id=nothex", { headers: JSON_HEADERS, body: "{}" });
    assert.equal(r.status, 400);
    r = await request("POST", "/gradio_api/mcp/messages/?session_id=0123456789abcdef0123456789abcdef", {
      headers: JSON_HEADERS,
      body: "{}",
    });
    assert.equal(r.status, 404);
  });

  test("/config says mcp_server is on", async () => {
    const r = await request("GET", "/config");
    assert.equal(r.json.mcp_server, true);
  });
});

describe("MCP switched off", () => {
  let off;
  before(async () => {
    off = await startCalculator({ args: ["--no-mcp"] });
  });
  after(async () => {
    await off?.stop();
  });

  test("no MCP route exists", async () => {
    for (const [method, path] of [["POST", "/gradio_api/mcp/"], ["GET", "/gradio_api/mcp/sse"], ["GET", "/gradio_api/mcp/schema"]]) {
      const r = await request(method, path, { port: off.port, headers: JSON_HEADERS, body: method === "POST" ? "{}" : undefined });
      assert.equal(r.status, 404, `${method} ${path}`);
    }
    assert.equal((await request("GET", "/config", { port: off.port })).json.mcp_server, false);
  });
});

describe("allowed hosts from the environment", () => {
  let proxied;
  before(async () => {
    proxied = await startCalculator({ env: { QRADIO_ALLOWED_HOSTS: "app.example.net, other.example.net" } });
  });
  after(async () => {
    await proxied?.stop();
  });

  test("a name listed in QRADIO_ALLOWED_HOSTS is accepted on MCP and Gradio routes, others still refused", async () => {
    const ping = { jsonrpc: "2.0", id: 1, method: "ping" };
    const ok = await request("POST", "/gradio_api/mcp/", { port: proxied.port, headers: { ...JSON_HEADERS, Host: "app.example.net" }, body: ping });
    assert.equal(ok.status, 200);
    const no = await request("POST", "/gradio_api/mcp/", { port: proxied.port, headers: { ...JSON_HEADERS, Host: "evil.example.com" }, body: ping });
    assert.equal(no.status, 403);
    assert.equal((await request("GET", "/gradio_api/info", { port: proxied.port, headers: { Host: "other.example.net" } })).status, 200);
    assert.equal((await request("GET", "/gradio_api/info", { port: proxied.port, headers: { Host: "evil.example.com" } })).status, 403);
  });
});
