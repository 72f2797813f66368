// SPDX-License-Identifier: MIT
//
// The front's guard on the wire, with the real clients: CSRF by a simple (text/plain) POST on every
// JSON route, DNS rebinding (Host = Origin = a foreign name), foreign origins on streaming GETs, and
// the access token with @gradio/client, the MCP SDK, fetch and Debian's Chromium; password login
// (--auth) with @gradio/client's `auth` option and with Chromium through the login page.

import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { after, before, describe, test } from "node:test";
import { Client } from "@gradio/client";
import { Client as McpClient } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { chromium } from "playwright-core";
import { startCalculator } from "./harness.mjs";

const TOKEN = "integration-secret-token";

/** One raw request (fetch cannot set Host or Origin). */
function raw(port, method, path, { headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, method, path, headers }, (res) => {
      // Streams would not end: the status and headers are the answer.
      if ((res.headers["content-type"] ?? "").startsWith("text/event-stream")) {
        res.destroy();
        resolve({ status: res.statusCode, headers: res.headers, text: "" });
        return;
      }
      let text = "";
      res.setEncoding("utf8").on("data", (c) => { text += c; }).on("end", () => resolve({ status: res.statusCode, headers: res.headers, text }));
    });
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const JSON_ROUTES = [
  "/gradio_api/call/v2/add",
  "/gradio_api/call/add",
  "/gradio_api/run/add",
  "/gradio_api/api/add",
  "/gradio_api/queue/join",
  "/gradio_api/cancel",
  "/gradio_api/reset",
  "/gradio_api/mcp/",
  "/gradio_api/mcp/messages/?session_id=0123456789abcdef0123456789abcdef",
];
const STREAMING_GETS = [
  "/gradio_api/queue/data?session_hash=abc",
  "/gradio_api/call/add/0123456789abcdef",
  "/gradio_api/heartbeat/abc",
  "/gradio_api/mcp/sse",
];

describe("without a token", () => {
  let server;
  before(async () => { server = await startCalculator({ args: ["--mcp"] }); });
  after(async () => { await server?.stop(); });

  test("a text/plain POST (a page's blind CSRF) reaches no JSON route", async () => {
    const body = JSON.stringify({ data: [3, 5], fn_index: 0, session_hash: "csrf", event_id: "x" });
    for (const path of JSON_ROUTES) {
      for (const type of ["text/plain", "application/x-www-form-urlencoded", undefined]) {
        const headers = type ? { "Content-Type": type } : {};
        const r = await raw(server.port, "POST", path, { headers, body });
        assert.equal(r.status, 415, `${type} ${path}: ${r.text}`);
        assert.match(JSON.parse(r.text).detail, /application\/json/);
      }
    }
    const ok = await raw(server.port, "POST", "/gradio_api/run/add", { headers: { "Content-Type": "application/json" }, body });
    assert.equal(ok.status, 200);
    assert.deepEqual(JSON.parse(ok.text).data, [8]);
  });

  test("DNS rebinding: a foreign Host is refused even with its own Origin, and CORS names nobody", async () => {
    const evil = { Host: "rebind.attacker.example:7860", Origin: "http://rebind.attacker.example:7860" };
    const probes = [["GET", "/config"], ["GET", "/gradio_api/info"], ["GET", "/"], ["GET", "/health"],
      ["POST", "/gradio_api/run/add"], ["POST", "/gradio_api/queue/join"], ["POST", "/gradio_api/mcp/"],
      ...STREAMING_GETS.map((p) => ["GET", p])];
    for (const [method, path] of probes) {
      const body = method === "POST" ? '{"data":[1,2]}' : undefined;
      const r = await raw(server.port, method, path, { headers: { ...evil, "Content-Type": "application/json" }, body });
      assert.equal(r.status, 403, `${method} ${path}`);
      assert.equal(r.headers["access-control-allow-origin"], undefined);
      assert.equal(r.headers["access-control-allow-credentials"], undefined);
    }
  });

  test("a foreign or null Origin opens no stream and posts nothing", async () => {
    for (const origin of ["https://evil.example", "null", "http://localhost:1"]) {
      for (const path of STREAMING_GETS) {
        const r = await raw(server.port, "GET", path, { headers: { Origin: origin } });
        assert.equal(r.status, 403, `${origin} ${path}`);
      }
      const r = await raw(server.port, "POST", "/gradio_api/run/add", {
        headers: { Origin: origin, "Content-Type": "application/json" }, body: '{"data":[1,2]}',
      });
      assert.equal(r.status, 403);
    }
  });

  test("the app's own pages and clients without Origin pass", async () => {
    const own = `http://127.0.0.1:${server.port}`;
    const r = await raw(server.port, "POST", "/gradio_api/run/add", {
      headers: { Host: `127.0.0.1:${server.port}`, Origin: own, "Content-Type": "application/json" }, body: '{"data":[1,2]}',
    });
    assert.equal(r.status, 200);
    assert.equal(r.headers["access-control-allow-origin"], own);
    const client = await Client.connect(server.url);
    assert.deepEqual((await client.predict("/add", { a: 1, b: 2 })).data, [3]);
    client.close();
  });
});

describe("with a token", () => {
  let server;
  before(async () => { server = await startCalculator({ args: ["--mcp"], env: { QRADIO_TOKEN: TOKEN } }); });
  after(async () => { await server?.stop(); });

  test("the launcher prints the URL that carries the token", async () => {
    const line = new RegExp(`Open in a browser: http://127\\.0\\.0\\.1:${server.port}/\\?token=${TOKEN}`);
    // The line follows the one the harness waits for; a bounded wait, not a timing assertion.
    for (let i = 0; i < 100 && !line.test(server.output()); ++i) await new Promise((r) => setTimeout(r, 50));
    assert.match(server.output(), line);
  });

  test("every route but the public ones needs it", async () => {
    for (const [method, path] of [["GET", "/"], ["GET", "/config"], ["GET", "/gradio_api/info"], ["POST", "/gradio_api/run/add"],
      ["GET", "/nowhere"], ...STREAMING_GETS.map((p) => ["GET", p])]) {
      const body = method === "POST" ? '{"data":[1,2]}' : undefined;
      const r = await raw(server.port, method, path, { headers: { "Content-Type": "application/json" }, body });
      assert.equal(r.status, 401, `${method} ${path}`);
      assert.equal(r.headers["www-authenticate"], "Bearer");
      assert.match(JSON.parse(r.text).detail, /token/);
      const wrong = await raw(server.port, method, path, { headers: { "Content-Type": "application/json", Authorization: `Bearer ${TOKEN}x` }, body });
      assert.equal(wrong.status, 401, `${method} ${path} with a wrong token`);
    }
    // /health is marked public by the calculator (a load balancer's probe).
    assert.equal((await raw(server.port, "GET", "/health")).status, 200);
    const ok = await raw(server.port, "POST", "/gradio_api/run/add", {
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${TOKEN}` }, body: '{"data":[1,2]}',
    });
    assert.deepEqual(JSON.parse(ok.text).data, [3]);
  });

  test("@gradio/client fails without it and works with it (token option), streaming included", async () => {
    await assert.rejects(async () => {
      const c = await Client.connect(server.url);
      await c.predict("/add", { a: 1, b: 2 });
    });
    const client = await Client.connect(server.url, { token: TOKEN });
    assert.deepEqual((await client.predict("/add", { a: 3, b: 5 })).data, [8]);
    const words = [];
    for await (const message of client.submit("/generate", { prompt: "one two three" })) {
      if (message.type === "data") words.push(message.data[0]);
    }
    assert.ok(words.length >= 1, JSON.stringify(words));
    client.close();
  });

  test("the MCP SDK works with an Authorization header", async () => {
    const denied = new McpClient({ name: "no-token", version: "1.0.0" });
    await assert.rejects(denied.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/gradio_api/mcp/`))));
    const client = new McpClient({ name: "token", version: "1.0.0" });
    const transport = new StreamableHTTPClientTransport(new URL(`${server.url}/gradio_api/mcp/`),
      { requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } } });
    await client.connect(transport);
    const result = await client.callTool({ name: "add", arguments: { a: 2, b: 3 } });
    assert.equal(result.content[0].text, "5");
    await transport.terminateSession();
    await client.close();
  });

  test("a browser opening /?token= once gets a cookie, a clean address and a working page", async () => {
    const browser = await chromium.launch({
      executablePath: process.env.QRADIO_CHROMIUM ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--no-first-run"],
    });
    try {
      const page = await browser.newPage();
      const response = await page.goto(`${server.url}/?token=${TOKEN}`);
      assert.equal(response?.status(), 200);
      assert.equal(page.url(), `${server.url}/`); // redirected without the token
      const cookies = await page.context().cookies();
      const cookie = cookies.find((c) => c.name === `qradio-token-${server.port}`);
      assert.ok(cookie?.httpOnly && cookie.sameSite === "Strict", JSON.stringify(cookies));
      await page.fill("#a", "3");
      await page.fill("#b", "5");
      await page.click("#add");
      await page.waitForFunction(() => {
        const e = document.querySelector("#result");
        return e && (e.value ?? e.textContent).trim() === "8";
      });
      // Another browser without the cookie is refused.
      const stranger = await browser.newPage();
      assert.equal((await stranger.goto(`${server.url}/`))?.status(), 401);
    } finally {
      await browser.close();
    }
  });
});

describe("with a password login", () => {
  const USER = "alice";
  const PASSWORD = "s3cret:with colon"; // the launcher splits at the first colon only
  let server;
  before(async () => { server = await startCalculator({ args: ["--auth", `${USER}:${PASSWORD}`, "--auth-message", "Ask Bob"] }); });
  after(async () => { await server?.stop(); });

  test("@gradio/client logs in with its auth option and predicts; it fails without or with a wrong password", async () => {
    await assert.rejects(Client.connect(server.url), /Ask Bob/); // the client shows the auth message
    await assert.rejects(Client.connect(server.url, { auth: [USER, "wrong"] }));
    const client = await Client.connect(server.url, { auth: [` ${USER} `, PASSWORD] }); // the name is stripped
    assert.deepEqual((await client.predict("/add", { a: 3, b: 5 })).data, [8]);
    const words = [];
    for await (const message of client.submit("/generate", { prompt: "one two three" })) {
      if (message.type === "data") words.push(message.data[0]);
    }
    assert.ok(words.length >= 1, JSON.stringify(words));
    client.close();
  });

  test("Gradio's 401 body without a session; open routes stay open", async () => {
    const denied = await raw(server.port, "GET", "/config");
    assert.equal(denied.status, 401);
    assert.deepEqual(JSON.parse(denied.text), { detail: { error: "Not authenticated", auth_message: "Ask Bob" } });
    assert.equal((await raw(server.port, "GET", "/health")).status, 200);
    assert.equal((await raw(server.port, "GET", "/gradio_api/app_id")).status, 200);
    assert.equal((await raw(server.port, "GET", "/login")).status, 405);
  });

  test("a browser gets the login page, logs in, uses the app and logs out", async () => {
    const browser = await chromium.launch({
      executablePath: process.env.QRADIO_CHROMIUM ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--no-first-run"],
    });
    try {
      const page = await browser.newPage();
      assert.equal((await page.goto(`${server.url}/`))?.status(), 200);
      assert.match(await page.textContent("body"), /Ask Bob/);
      await page.fill("#password", "wrong");
      await page.fill("#username", USER);
      await page.click("button[type=submit]");
      await page.waitForFunction(() => document.querySelector("#error")?.textContent.includes("Incorrect"));
      await page.fill("#password", PASSWORD);
      await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
      // Over plain http the browser keeps the unsecure cookie at least: that one logs it in.
      const cookies = await page.context().cookies();
      const unsecure = cookies.find((c) => c.name.startsWith("access-token-unsecure-"));
      assert.ok(unsecure?.httpOnly && unsecure.sameSite === "Lax" && !unsecure.secure, JSON.stringify(cookies));
      await page.fill("#a", "3");
      await page.fill("#b", "5");
      await page.click("#add");
      await page.waitForFunction(() => {
        const e = document.querySelector("#result");
        return e && (e.value ?? e.textContent).trim() === "8";
      });
      await page.goto(`${server.url}/logout`);
      assert.equal(page.url(), `${server.url}/`);
      assert.ok(await page.$("#username"), "the login page again after logout");
    } finally {
      await browser.close();
    }
  });
});
