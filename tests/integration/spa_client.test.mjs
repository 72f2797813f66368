// SPDX-License-Identifier: MIT
//
// The real @gradio/client against an app with a user catch-all route (GET /<path...>) and a
// frontend folder at "/" (tests/integration/apps/spa_app.cpp): neither takes Gradio's routes.

import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Client } from "@gradio/client";
import { startCalculator } from "./harness.mjs";

const PAGE = "<!doctype html><title>spa frontend</title>\n";
let folder;
let server;
let client;

before(async () => {
  folder = mkdtempSync(join(tmpdir(), "qradio-spa-"));
  writeFileSync(join(folder, "index.html"), PAGE);
  server = await startCalculator({ binary: process.env.QRADIO_SPA_APP, env: { QRADIO_SPA_FOLDER: folder } });
  client = await Client.connect(server.url);
});

after(async () => {
  client?.close();
  await server?.stop();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

test("@gradio/client connects and predicts through the queue", async () => {
  const result = await client.predict("/add", { a: 3, b: 5 });
  assert.deepEqual(result.data, [8]);
});

test("view_api lists the endpoints", async () => {
  const api = await client.view_api();
  assert.ok("/add" in api.named_endpoints);
});

test("the folder answers /, the catch-all other paths, the built-ins their own", async () => {
  const root = await fetch(server.url + "/");
  assert.equal(root.status, 200);
  assert.equal(await root.text(), PAGE);
  const other = await fetch(server.url + "/some/page");
  assert.equal(await other.text(), "catch-all some/page");
  const config = await fetch(server.url + "/config");
  assert.equal(config.status, 200);
  assert.ok(Array.isArray((await config.json()).dependencies));
  const bundle = await fetch(server.url + "/gradio_api/client.js");
  assert.equal(bundle.status, 200);
  assert.match(bundle.headers.get("content-type"), /javascript/);
});
