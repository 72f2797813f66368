// SPDX-License-Identifier: MIT
//
// HTTPS with the real @gradio/client: the calculator serves TLS with a certificate made by openssl
// for this run (never committed); a Node that trusts it (NODE_EXTRA_CA_CERTS, verification on)
// predicts and streams; one that does not trust it fails; plain HTTP on the port is closed.

import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { startCalculator } from "./harness.mjs";

const HELPER = fileURLToPath(new URL("./tls_client.mjs", import.meta.url));
let dir;
let cert;
let server;

/** @gradio/client in a Node of its own, with `env`; its JSON answer. */
function clientRun(url, env) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [HELPER, url], { env: { ...process.env, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout.trim().split("\n").pop()));
      });
  });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "qradio-tls-"));
  cert = join(dir, "cert.pem");
  const key = join(dir, "key.pem");
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key, "-out", cert], { stdio: "ignore" });
  server = await startCalculator({ args: ["--ssl-certfile", cert, "--ssl-keyfile", key] });
});

after(async () => {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("the launcher prints an https URL", () => {
  assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
});

test("@gradio/client trusting the certificate: predict and a streaming call", async () => {
  const { NODE_TLS_REJECT_UNAUTHORIZED: _, ...rest } = process.env;
  const out = await clientRun(server.url, { ...rest, NODE_EXTRA_CA_CERTS: cert });
  assert.equal(out.error, undefined, out.error);
  assert.deepEqual(out.predict, [8]);
  assert.deepEqual(out.stream.slice(0, 3), [["a"], ["b"], ["c"]]);
  assert.equal(out.last, "complete");
});

test("@gradio/client not trusting it fails (verification is on)", async () => {
  const out = await clientRun(server.url, { NODE_EXTRA_CA_CERTS: "", NODE_TLS_REJECT_UNAUTHORIZED: "1" });
  assert.match(out.error ?? "", /SELF_SIGNED|UNABLE_TO_VERIFY|CERT/, `expected a certificate error: ${JSON.stringify(out)}`);
});

test("plain HTTP on the TLS port is closed, not answered", async () => {
  const outcome = await new Promise((resolve) => {
    const req = httpRequest({ host: "127.0.0.1", port: server.port, path: "/gradio_api/info" }, (res) => {
      res.resume();
      resolve(`answered ${res.statusCode}`);
    });
    req.setTimeout(10_000, () => { req.destroy(); resolve("hung"); });
    req.on("error", (error) => resolve(error.code ?? error.message));
    req.end();
  });
  // A reset, a hang-up or bytes that are not HTTP (a TLS alert): anything but an answer or a hang.
  assert.ok(!outcome.startsWith("answered") && outcome !== "hung", outcome);
});
