// SPDX-License-Identifier: MIT
//
// The real Prometheus (Debian package prometheus) scrapes the calculator's metrics: on the main
// port with the access token (--metrics --token) and on the loopback metrics port
// (--metrics-port). Prometheus rejects a whole scrape for any mistake in the exposition, so
// `up == 1`, an empty lastError and the series queried back prove the format and the counts.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { freePort, startCalculator } from "./harness.mjs";

const PROMETHEUS = process.env.QRADIO_PROMETHEUS || "/usr/bin/prometheus";
const TOKEN = "prom-s3cret";
const DEADLINE_MS = 45_000; // the whole wait for the scrapes; the test's bound

let withToken;
let withPort;
let prometheus;
let prometheusUrl;
let dir;
const prometheusOutput = [];

before(async () => {
  assert.ok(existsSync(PROMETHEUS), `${PROMETHEUS} is missing: apt-get install prometheus (.ci/deps)`);
  dir = await mkdtemp(join(tmpdir(), "qradio-prometheus-"));
  withToken = await startCalculator({ args: ["--metrics", "--token", TOKEN] });
  const metricsPort = await freePort();
  withPort = await startCalculator({ args: ["--metrics-port", String(metricsPort)] });
  const config = [
    "global:",
    "  scrape_interval: 1s",
    "  scrape_timeout: 1s",
    "scrape_configs:",
    "  - job_name: qradio",
    "    authorization:",
    "      type: Bearer",
    `      credentials: ${TOKEN}`,
    "    static_configs:",
    `      - targets: ["127.0.0.1:${withToken.port}"]`,
    "  - job_name: qradio_port",
    "    static_configs:",
    `      - targets: ["127.0.0.1:${metricsPort}"]`,
    "",
  ].join("\n");
  await writeFile(join(dir, "prometheus.yml"), config);
  const webPort = await freePort();
  prometheusUrl = `http://127.0.0.1:${webPort}`;
  prometheus = spawn(PROMETHEUS, [
    `--config.file=${join(dir, "prometheus.yml")}`,
    `--storage.tsdb.path=${join(dir, "data")}`,
    `--web.listen-address=127.0.0.1:${webPort}`,
  ], { stdio: ["ignore", "pipe", "pipe"] });
  prometheus.stdout.setEncoding("utf8").on("data", (c) => prometheusOutput.push(c));
  prometheus.stderr.setEncoding("utf8").on("data", (c) => prometheusOutput.push(c));
});

after(async () => {
  if (prometheus && prometheus.exitCode === null && prometheus.signalCode === null) {
    const exited = once(prometheus, "exit");
    process.kill(prometheus.pid, "SIGTERM");
    const guard = setTimeout(() => process.kill(prometheus.pid, "SIGKILL"), 10_000);
    await exited;
    clearTimeout(guard);
  }
  await withToken?.stop();
  await withPort?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function query(expr) {
  const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = await response.json();
  assert.equal(body.status, "success", JSON.stringify(body));
  return body.data.result.map((r) => Number(r.value[1]));
}

/** Polls until every check passes (each returns a message when not yet), or the deadline. */
async function eventually(checks) {
  const start = Date.now();
  let waiting = [];
  while (Date.now() - start < DEADLINE_MS) {
    waiting = [];
    for (const [name, check] of Object.entries(checks)) {
      try {
        const why = await check();
        if (why) waiting.push(`${name}: ${why}`);
      } catch (error) {
        waiting.push(`${name}: ${error.message}`);
      }
    }
    if (waiting.length === 0) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  assert.fail(`Prometheus did not see it within ${DEADLINE_MS} ms:\n${waiting.join("\n")}\n` +
    `--- prometheus ---\n${prometheusOutput.join("").slice(-3000)}`);
}

async function call(server, headers) {
  const joined = await fetch(new URL("/gradio_api/call/add", server.url), {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ data: [2, 3] }),
  });
  assert.equal(joined.status, 200);
  const { event_id: id } = await joined.json();
  const stream = await fetch(new URL(`/gradio_api/call/add/${id}`, server.url), { headers });
  const text = await stream.text();
  assert.match(text, /event: complete\ndata: \[5\]/);
}

test("prometheus scrapes both endpoints and sees the calls", { timeout: 60_000 }, async () => {
  const auth = { authorization: `Bearer ${TOKEN}` };
  // The token's rules hold for /metrics: Prometheus gets in only because it sends the token.
  assert.equal((await fetch(new URL("/metrics", withToken.url))).status, 401);
  for (let i = 0; i < 3; ++i)
    assert.equal((await fetch(new URL("/gradio_api/info", withToken.url), { headers: auth })).status, 200);
  await call(withToken, auth);
  assert.equal((await fetch(new URL("/no/such/page", withToken.url), { headers: auth })).status, 404);
  await call(withPort, {});

  await eventually({
    targets: async () => {
      const response = await fetch(`${prometheusUrl}/api/v1/targets`);
      const body = await response.json();
      const active = body.data?.activeTargets ?? [];
      if (active.length !== 2) return `${active.length} active targets`;
      const bad = active.filter((t) => t.health !== "up").map((t) => `${t.labels.job}: ${t.health} ${t.lastError}`);
      return bad.length ? bad.join("; ") : null;
    },
    up: async () => {
      const values = await query('up{job=~"qradio|qradio_port"}');
      return values.length === 2 && values.every((v) => v === 1) ? null : `up = ${values}`;
    },
    info: async () => {
      const [n] = await query('qradio_http_requests_total{job="qradio",method="GET",route="/gradio_api/info",status="200"}');
      return n === 3 ? null : `info requests = ${n}`;
    },
    other: async () => {
      const [n] = await query('qradio_http_requests_total{job="qradio",route="other",status="404"}');
      return n === 1 ? null : `other 404 = ${n}`;
    },
    jobs: async () => {
      const values = await query('qradio_job_duration_seconds_count{endpoint="add",outcome="success"}');
      return values.length === 2 && values.every((v) => v >= 1) ? null : `add durations = ${values}`;
    },
    histogram: async () => {
      const [n] = await query('qradio_http_request_duration_seconds_count{job="qradio",route="/gradio_api/info"}');
      const [inf] = await query('qradio_http_request_duration_seconds_bucket{job="qradio",route="/gradio_api/info",le="+Inf"}');
      return n === 3 && inf === 3 ? null : `info durations = ${n}, +Inf bucket = ${inf}`;
    },
    process: async () => {
      const [rss] = await query('process_resident_memory_bytes{job="qradio_port"}');
      return rss > 1e6 ? null : `rss = ${rss}`;
    },
  });
});
