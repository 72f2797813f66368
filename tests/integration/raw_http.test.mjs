// SPDX-License-Identifier: MIT
//
// The calculator's HTTP surface with plain fetch(): the description routes, the documented curl
// flow (/call, /call/v2, /run), errors, and the routes the page needs.

import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { startCalculator } from "./harness.mjs";

// A guard against a stream that never ends, so a hang fails with a name instead of a CTest timeout.
const STREAM_GUARD = { timeout: 30_000 };

let server;

before(async () => {
  server = await startCalculator();
});

after(async () => {
  await server?.stop();
});

function url(path) {
  return new URL(path, server.url);
}

async function getJson(path) {
  const response = await fetch(url(path));
  const text = await response.text();
  return { response, text, body: parseJson(text, `GET ${path}`) };
}

async function postRaw(path, body, contentType = "application/json") {
  const response = await fetch(url(path), {
    method: "POST",
    headers: { "content-type": contentType },
    body,
  });
  const text = await response.text();
  return { response, text };
}

async function postJson(path, value) {
  const { response, text } = await postRaw(path, JSON.stringify(value));
  return { response, text, body: parseJson(text, `POST ${path}`) };
}

function parseJson(text, what) {
  try {
    return JSON.parse(text);
  } catch {
    assert.fail(`${what}: the body is not JSON: ${JSON.stringify(text.slice(0, 500))}`);
  }
}

function assertJsonError(response, text, status, what) {
  assert.equal(response.status, status, `${what}: status (body ${text})`);
  assert.match(response.headers.get("content-type") ?? "", /^application\/json/, `${what}: content-type`);
  const body = parseJson(text, what);
  assert.ok(body && typeof body === "object" && "detail" in body, `${what}: a JSON body with "detail": ${text}`);
  return body;
}

/** POSTs a call, then reads its whole named-event SSE stream (which must end by itself). */
async function callAndCollect(postPath, payload, getPathPrefix = postPath) {
  const join = await postJson(postPath, payload);
  assert.equal(join.response.status, 200, `POST ${postPath}: ${join.text}`);
  assert.equal(typeof join.body.event_id, "string", `POST ${postPath}: ${join.text}`);
  assert.ok(join.body.event_id.length > 0);

  const streamPath = `${getPathPrefix}/${join.body.event_id}`;
  const response = await fetch(url(streamPath));
  assert.equal(response.status, 200, `GET ${streamPath}`);
  assert.match(response.headers.get("content-type") ?? "", /^text\/event-stream/, `GET ${streamPath}`);
  return response.text();
}

/** Compares a PEP 440 release such as "6.25.0" with a minimum (major, minor). */
function pep440Release(version) {
  const match = /^(\d+)(?:\.(\d+))*(?:(?:a|b|rc)\d+)?(?:\.post\d+)?(?:\.dev\d+)?$/.exec(version);
  assert.ok(match, `version must be a PEP 440 version: ${JSON.stringify(version)}`);
  return version.split(/[^0-9.]/)[0].split(".").map(Number);
}

test("start-up prints where MCP clients connect", async () => {
  // The calculator launches with MCP on; the lines follow the local URL, as Gradio prints them.
  // They may still be in the pipe when the URL line was read: wait for them (bounded).
  for (let i = 0; i < 200 && !server.output().includes("legacy SSE"); i++)
    await new Promise((resolve) => setTimeout(resolve, 25));
  assert.match(server.output(), new RegExp(`MCP server \\(streamable HTTP\\): ${server.url}/gradio_api/mcp/\n`));
  assert.match(server.output(), new RegExp(`MCP server \\(legacy SSE\\): ${server.url}/gradio_api/mcp/sse\n`));
});

describe("GET /config", () => {
  let config;

  before(async () => {
    const { response, text, body } = await getJson("/config");
    assert.equal(response.status, 200, text);
    config = body;
  });

  test("protocol, prefix, root and version", () => {
    assert.equal(config.protocol, "sse_v3");
    assert.equal(config.api_prefix, "/gradio_api");
    assert.equal(config.root, server.url);
    const [major, minor = 0] = pep440Release(config.version);
    assert.ok(major > 4 || (major === 4 && minor > 29), `version ${config.version} must be above 4.29`);
  });

  test("one queued dependency per endpoint, wired to api components", () => {
    const components = new Map(config.components.map((c) => [c.id, c]));
    const dependencies = new Map(config.dependencies.map((d) => [d.api_name, d]));
    for (const [name, inputs] of [["add", 2], ["multiply", 2], ["hello", 1]]) {
      const dependency = dependencies.get(name);
      assert.ok(dependency, `a dependency with api_name "${name}"`);
      assert.equal(typeof dependency.id, "number", name);
      assert.equal(dependency.inputs.length, inputs, `${name} inputs`);
      assert.equal(dependency.outputs.length, 1, `${name} outputs`);
      assert.ok(dependency.queue === true || (dependency.queue === undefined && config.enable_queue === true),
        `${name} is queued`);
      for (const id of [...dependency.inputs, ...dependency.outputs]) {
        assert.ok(components.has(id), `${name}: component ${id} exists`);
        assert.equal(components.get(id).type, "api", `${name}: component ${id} type`);
      }
    }
    assert.equal(new Set(config.dependencies.map((d) => d.id)).size, config.dependencies.length, "unique ids");
  });
});

describe("GET /gradio_api/info", () => {
  let info;

  before(async () => {
    const { response, text, body } = await getJson("/gradio_api/info");
    assert.equal(response.status, 200, text);
    info = body;
  });

  test("named endpoints with typed parameters; no unnamed ones", () => {
    assert.deepEqual(info.unnamed_endpoints, {});
    for (const name of ["/add", "/multiply", "/hello"]) assert.ok(name in info.named_endpoints, name);

    const add = info.named_endpoints["/add"];
    assert.deepEqual(add.parameters.map((p) => p.parameter_name), ["a", "b"]);
    const [a] = add.parameters;
    assert.equal(a.label, "1st");
    assert.equal(a.component, "Api");
    assert.equal(a.parameter_has_default, false);
    assert.equal(a.type.type, "integer");
    assert.equal(a.python_type.type, "int");
    assert.equal(add.returns.length, 1);
    assert.equal(add.returns[0].type.type, "integer");
    assert.equal(add.description, "Add two numbers together.");

    const hello = info.named_endpoints["/hello"];
    assert.deepEqual(hello.parameters.map((p) => p.parameter_name), ["name"]);
    assert.equal(hello.parameters[0].type.type, "string");
    assert.equal(hello.parameters[0].python_type.type, "str");
  });

  test("every parameter and return has an object `type` (the JS client reads type.type)", () => {
    for (const [name, endpoint] of Object.entries(info.named_endpoints)) {
      for (const entry of [...endpoint.parameters, ...endpoint.returns]) {
        assert.equal(typeof entry.type, "object", name);
        assert.notEqual(entry.type, null, name);
      }
    }
  });
});

describe("the curl flow", () => {
  test("POST /call/add then GET the event stream", STREAM_GUARD, async () => {
    const text = await callAndCollect("/gradio_api/call/add", { data: [3, 5] });
    assert.ok(text.includes("event: complete\ndata: [8]"), `stream: ${JSON.stringify(text)}`);
  });

  test("POST /call/hello returns the string", STREAM_GUARD, async () => {
    const text = await callAndCollect("/gradio_api/call/hello", { data: ["World"] });
    assert.ok(text.includes('event: complete\ndata: ["Hello, World!"]'), `stream: ${JSON.stringify(text)}`);
  });

  test("POST /call/v2/add with named arguments", STREAM_GUARD, async () => {
    const text = await callAndCollect("/gradio_api/call/v2/add", { a: 3, b: 5 });
    assert.ok(text.includes("event: complete\ndata: [8]"), `stream: ${JSON.stringify(text)}`);
  });

  test("a wrong argument type ends in an error event", STREAM_GUARD, async () => {
    const text = await callAndCollect("/gradio_api/call/add", { data: ["x", 5] });
    assert.ok(text.includes("event: error\n"), `stream: ${JSON.stringify(text)}`);
    assert.ok(!text.includes("event: complete"), `stream: ${JSON.stringify(text)}`);
  });

  test("too few arguments end in an error event", STREAM_GUARD, async () => {
    const text = await callAndCollect("/gradio_api/call/add", { data: [3] });
    assert.ok(text.includes("event: error\n"), `stream: ${JSON.stringify(text)}`);
  });

  test("POST /run/add answers synchronously", async () => {
    const { response, text, body } = await postJson("/gradio_api/run/add", { data: [1, 2] });
    assert.equal(response.status, 200, text);
    assert.deepEqual(body.data, [3]);
    assert.equal(body.is_generating, false);
  });
});

describe("errors", () => {
  test("an unknown api name is a 404 with a JSON body", async () => {
    for (const path of ["/gradio_api/call/subtract", "/gradio_api/call/v2/subtract", "/gradio_api/run/subtract"]) {
      const { response, text } = await postRaw(path, JSON.stringify(path.includes("/v2/") ? { a: 1 } : { data: [1, 2] }));
      assertJsonError(response, text, 404, `POST ${path}`);
    }
  });

  test("an unknown route is a 404 with a JSON body", async () => {
    const response = await fetch(url("/no/such/route"));
    assertJsonError(response, await response.text(), 404, "GET /no/such/route");
  });

  test("a malformed JSON body is a 4xx with a JSON body, and the server keeps serving", async () => {
    for (const path of ["/gradio_api/call/add", "/gradio_api/call/v2/add", "/gradio_api/run/add"]) {
      const { response, text } = await postRaw(path, '{"data": [3, 5');
      assert.ok(response.status >= 400 && response.status < 500, `POST ${path}: status ${response.status} (${text})`);
      assertJsonError(response, text, response.status, `POST ${path}`);
    }
    const { response, text, body } = await postJson("/gradio_api/run/add", { data: [2, 2] });
    assert.equal(response.status, 200, text);
    assert.deepEqual(body.data, [4]);
  });
});

describe("app routes", () => {
  test("GET /health", async () => {
    const { response, text, body } = await getJson("/health");
    assert.equal(response.status, 200, text);
    assert.deepEqual(body, { status: "ok" });
  });

  test("GET / is the Calculator page, importing the bundled client", async () => {
    const response = await fetch(url("/"));
    const html = await response.text();
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^text\/html/);
    assert.ok(html.includes("<title>Calculator</title>"), html.slice(0, 500));
    assert.ok(html.includes("/gradio_api/client.js"), "the page imports the client the server bundles");
  });

  test("GET /gradio_api/client.js is the pinned @gradio/client browser bundle", async () => {
    const response = await fetch(url("/gradio_api/client.js"));
    const body = await response.text();
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^text\/javascript\b/);
    const bundle = fileURLToPath(import.meta.resolve("@gradio/client/dist/index.min.js"));
    assert.ok(body === (await readFile(bundle, "utf8")), `the body must equal ${bundle}`);
  });
});
