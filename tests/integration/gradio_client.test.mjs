// SPDX-License-Identifier: MIT
//
// The real @gradio/client (the npm package, pinned by package-lock.json) against the calculator.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Client } from "@gradio/client";
import { startFileOrigin } from "./file_origin.mjs";
import { startCalculator } from "./harness.mjs";

let server;
let client;

before(async () => {
  server = await startCalculator({ args: ["--file-url-network", "127.0.0.2"] });
  client = await Client.connect(server.url);
});

after(async () => {
  client?.close();
  await server?.stop();
});

test("predict /add with named arguments", async () => {
  const result = await client.predict("/add", { a: 3, b: 5 });
  assert.deepEqual(result.data, [8]);
});

test("predict /add with positional arguments", async () => {
  const result = await client.predict("/add", [3, 5]);
  assert.deepEqual(result.data, [8]);
});

test("predict /multiply", async () => {
  const result = await client.predict("/multiply", { a: 4, b: 5 });
  assert.deepEqual(result.data, [20]);
});

test("predict /hello", async () => {
  const result = await client.predict("/hello", { name: "World" });
  assert.deepEqual(result.data, ["Hello, World!"]);
});

test("several calls on one client, in parallel", async () => {
  const results = await Promise.all([
    client.predict("/add", { a: 1, b: 2 }),
    client.predict("/multiply", { a: 6, b: 7 }),
    client.predict("/hello", { name: "Qradio" }),
  ]);
  assert.deepEqual(results.map((r) => r.data), [[3], [42], ["Hello, Qradio!"]]);
});

test("view_api lists add, multiply and hello with their parameters", async () => {
  const api = await client.view_api();
  assert.deepEqual(Object.keys(api.unnamed_endpoints), []);
  // The calculator grows more endpoints in later issues; these three are the guide's.
  for (const name of ["/add", "/multiply", "/hello"]) assert.ok(name in api.named_endpoints, name);

  for (const name of ["/add", "/multiply"]) {
    const { parameters, returns } = api.named_endpoints[name];
    assert.deepEqual(parameters.map((p) => p.parameter_name), ["a", "b"], name);
    assert.deepEqual(parameters.map((p) => p.label), ["1st", "2nd"], name);
    for (const p of parameters) {
      assert.equal(p.component, "Api", `${name} ${p.parameter_name}`);
      assert.equal(p.type, "integer", `${name} ${p.parameter_name}`);
      assert.equal(p.python_type.type, "int", `${name} ${p.parameter_name}`);
      assert.equal(p.parameter_has_default, false, `${name} ${p.parameter_name}`);
    }
    assert.equal(returns.length, 1, name);
    assert.equal(returns[0].type, "integer", name);
    assert.equal(returns[0].python_type.type, "int", name);
  }

  const hello = api.named_endpoints["/hello"];
  assert.deepEqual(hello.parameters.map((p) => p.parameter_name), ["name"]);
  assert.equal(hello.parameters[0].type, "string");
  assert.equal(hello.parameters[0].python_type.type, "str");
  assert.equal(hello.returns.length, 1);
  assert.equal(hello.returns[0].type, "string");
});

test("predict of an unknown endpoint rejects", async () => {
  await assert.rejects(client.predict("/subtract", { a: 1, b: 2 }));
});

test("predict with a wrong argument type rejects, naming the parameter", async () => {
  await assert.rejects(client.predict("/add", { a: "x", b: 5 }), (error) => {
    const text = String(error?.message ?? error);
    assert.match(text, /(parameter|argument)\s*[`'"]?a\b|[`'"]a[`'"]/i,
      `the error should name parameter "a": ${text}`);
    return true;
  });
});

test("the server still answers after a failed call", async () => {
  const result = await client.predict("/add", { a: 20, b: 22 });
  assert.deepEqual(result.data, [42]);
});

test("handle_file round trip through /echo_file: the content and the name come back", async () => {
  const { handle_file } = await import("@gradio/client");
  const bytes = Buffer.from("a file\r\n--with a boundary look-alike\x00\xff", "binary");
  const blob = new Blob([bytes], { type: "application/octet-stream" });
  const file = new File([blob], "notes é.bin");
  const result = await client.predict("/echo_file", { file: handle_file(file) });
  const out = result.data[0];
  assert.equal(out.orig_name, "notes é.bin");
  assert.equal(out.meta._type, "gradio.FileData");
  assert.ok(out.url.startsWith(server.url.replace(/\/$/, "") + "/gradio_api/file="), out.url);
  const download = await fetch(out.url);
  assert.equal(download.status, 200);
  assert.deepEqual(Buffer.from(await download.arrayBuffer()), bytes);
});

test("handle_file(url): the server fetches the file, the name is the URL's", async () => {
  const { handle_file } = await import("@gradio/client");
  const bytes = Buffer.from("fetched by the server\x00\xfe", "binary");
  const origin = await startFileOrigin({ "/docs/report.bin": bytes });
  try {
    const result = await client.predict("/echo_file", { file: handle_file(origin.url("/docs/report.bin")) });
    const out = result.data[0];
    assert.equal(out.orig_name, "report.bin");
    assert.ok(out.url.startsWith(server.url.replace(/\/$/, "") + "/gradio_api/file="), out.url);
    assert.deepEqual(Buffer.from(await (await fetch(out.url)).arrayBuffer()), bytes);
    // A redirect to an inner address is refused, naming the parameter.
    await assert.rejects(
      client.predict("/echo_file", { file: handle_file(origin.url("/to-inner")) }),
      (error) => /Parameter 'file': cannot fetch .*127\.0\.0\.1 is not a public address/.test(String(error?.message ?? error)),
    );
  } finally {
    await origin.stop();
  }
});

test("a FileData that was not uploaded is refused, naming the parameter", async () => {
  await assert.rejects(
    client.predict("/echo_file", { file: { path: "/etc/passwd", meta: { _type: "gradio.FileData" } } }),
    (error) => /Parameter 'file'.*was not uploaded/.test(String(error?.message ?? error)),
  );
});
