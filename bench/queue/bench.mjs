// SPDX-License-Identifier: MIT
//
// Queue benchmark (prints figures; not a test). See README.md next to this file.
//
//   <build>/npm/node_modules/node/bin/node bench/queue/bench.mjs [--build <dir>] [--calls N] [--events N]
//       [--runs N] [--smoke] [--csv <file>] [--python <python3 with fastapi and uvicorn>]
//
// 1. Round trip of a no-op endpoint through the real @gradio/client (`predict("/noop")`, one call
//    after the other: join, stream, result), p50/p99, beside a plain HTTP round trip (GET /health)
//    measured in the same run, and, with --python, beside one FastAPI/uvicorn request
//    (POST /gradio_api/run/add of bench/http/fastapi_app.py) with the same fetch.
// 2. Events per second from a generator yielding N small values (coroutine `count` and blocking
//    `count_blocking`), read raw from /gradio_api/queue/data by this process, beside the same
//    plain HTTP round trip and, with --python, FastAPI streaming N frames of the same shape.
// --runs repeats both parts on the same servers; --csv writes one row per run and figure.

import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import { dirname, resolve, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const { values: opts } = parseArgs({
  options: {
    build: { type: "string", default: "build" },
    calls: { type: "string", default: "2000" },
    warmup: { type: "string", default: "200" },
    events: { type: "string", default: "200000" },
    runs: { type: "string", default: "1" },
    smoke: { type: "boolean", default: false },
    csv: { type: "string" },
    python: { type: "string" },
    app: { type: "string" },
  },
});
if (opts.smoke) Object.assign(opts, { calls: "100", warmup: "20", events: "5000", runs: "1" });
const build = resolve(opts.build);
const CALLS = Number(opts.calls);
const WARMUP = Number(opts.warmup);
const EVENTS = Number(opts.events);
const RUNS = Number(opts.runs);
const appPath = opts.app ?? join(build, "tests/stress/queue_testapp");
const clientPath = join(build, "npm/node_modules/@gradio/client/dist/index.js");
for (const [what, path] of [["queue_testapp", appPath], ["@gradio/client", clientPath]])
  if (!existsSync(path)) {
    console.error(`${what} not found at ${path}: build the project first (see bench/queue/README.md)`);
    process.exit(2);
  }
const { Client } = await import(pathToFileURL(clientPath).href);
const rows = []; // [target, run, metric, value, unit]
let failed = false;

// ---- the server ----------------------------------------------------------------------------------
const server = spawn(appPath, ["--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
const url = await new Promise((resolveUrl, reject) => {
  server.stdout.setEncoding("utf8").on("data", (text) => {
    const m = /Running on local URL:\s+(\S+)/.exec(text);
    if (m) resolveUrl(m[1]);
  });
  server.on("exit", (code) => reject(new Error(`queue_testapp exited with ${code}`)));
});
const port = Number(new URL(url).port);

// ---- the FastAPI baseline (bench/http/fastapi_app.py on uvicorn, h11, asyncio: Gradio's stack) ----
let fastapi = null;
if (opts.python) {
  const free = await new Promise((ok) => { const s = net.createServer().listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => ok(p)); }); });
  const child = spawn(opts.python, ["-m", "uvicorn", "fastapi_app:app", "--host", "127.0.0.1", "--port", String(free),
    "--workers", "1", "--loop", "asyncio", "--http", "h11", "--no-access-log", "--log-level", "warning"],
  { cwd: join(dirname(fileURLToPath(import.meta.url)), "..", "http"), stdio: ["ignore", "inherit", "inherit"] });
  const deadline = Date.now() + 20000;
  for (;;) {
    try { if ((await fetch(`http://127.0.0.1:${free}/health`)).ok) break; } catch {}
    if (Date.now() > deadline || child.exitCode !== null) {
      console.error("FastAPI (uvicorn) did not start");
      child.kill("SIGTERM");
      server.kill("SIGTERM");
      process.exit(2);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  fastapi = { child, url: `http://127.0.0.1:${free}`, port: free };
}

function cpuSeconds(pid) {
  // utime + stime of the server, from /proc (clock ticks; 100 per second on Linux).
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
function summary(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), mean, n: sorted.length };
}
const ms = (x) => `${x.toFixed(3)} ms`;

async function httpRoundTrips(n) {
  const samples = [];
  for (let i = 0; i < n; ++i) {
    const t = performance.now();
    const r = await fetch(`${url}/health`);
    await r.arrayBuffer();
    samples.push(performance.now() - t);
  }
  return summary(samples);
}

/** n sequential POST /gradio_api/run/add to FastAPI, checked, with the same fetch. */
async function fastapiRoundTrips(n) {
  const samples = [];
  for (let i = 0; i < n; ++i) {
    const t = performance.now();
    const r = await fetch(`${fastapi.url}/gradio_api/run/add`, {
      method: "POST", headers: { "content-type": "application/json" }, body: '{"data":[3,5]}' });
    const body = await r.json();
    samples.push(performance.now() - t);
    if (body.data?.[0] !== 8) throw new Error(`FastAPI answered ${JSON.stringify(body)}`);
  }
  return summary(samples);
}

// ---- 2. streamed events per second --------------------------------------------------------------
async function joinQueue(name, data, session) {
  const config = await (await fetch(`${url}/config`)).json();
  const fnIndex = config.dependencies.find((d) => d.api_name === name).id;
  const r = await fetch(`${url}/gradio_api/queue/join`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ data, fn_index: fnIndex, session_hash: session }),
  });
  return (await r.json()).event_id;
}

/** Reads the session's stream over a raw socket; counts frames until close_stream. */
function readStream(session, target = { port, path: `/gradio_api/queue/data?session_hash=${session}` }) {
  return new Promise((resolveStream, reject) => {
    const socket = net.connect(target.port, "127.0.0.1");
    let generating = 0;
    let frames = 0;
    let bytes = 0;
    let tail = "";
    let last = null;
    socket.setEncoding("latin1");
    socket.on("connect", () =>
      socket.write(`GET ${target.path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`));
    socket.on("data", (text) => {
      bytes += text.length;
      // Frames are found by their "data: " prefix; chunk-size lines in between are skipped.
      const all = tail + text;
      let at = 0;
      for (;;) {
        const start = all.indexOf("data: {", at);
        if (start < 0) break;
        const end = all.indexOf("\n\n", start);
        if (end < 0) { at = start; break; }
        frames += 1;
        const frame = all.slice(start + 6, end);
        if (frame.startsWith('{"msg":"process_generating"')) generating += 1;
        else if (frame.startsWith('{"msg":"process_completed"')) last = JSON.parse(frame);
        else if (frame.startsWith('{"msg":"close_stream"')) {
          socket.destroy();
          resolveStream({ generating, frames, bytes, completed: last });
          return;
        }
        at = end + 2;
      }
      tail = all.slice(at);
    });
    socket.on("error", reject);
    socket.on("close", () => reject(new Error(`stream closed after ${frames} frames, ${generating} generating`)));
  });
}

const record = (target, run, metric, value, unit) => rows.push([target, run, metric, value, unit]);

async function roundTrips(client, run) {
  let cpu = cpuSeconds(server.pid);
  const rtt = [];
  const started = performance.now();
  for (let i = 0; i < CALLS; ++i) {
    const t = performance.now();
    const result = await client.predict("/noop", []);
    rtt.push(performance.now() - t);
    if (result.data[0] !== 0) throw new Error(`unexpected result ${JSON.stringify(result.data)}`);
  }
  const wall = (performance.now() - started) / 1000;
  const serverCpuPerCall = ((cpuSeconds(server.pid) - cpu) / CALLS) * 1000;
  const predict = summary(rtt);
  const http1 = await httpRoundTrips(CALLS);
  const fa = fastapi ? await fastapiRoundTrips(CALLS) : null;

  console.log(`\n== Run ${run}/${RUNS}: round trip, ${CALLS} sequential calls after ${WARMUP} warm-up ==`);
  console.log(`@gradio/client predict("/noop"): p50 ${ms(predict.p50)}  p99 ${ms(predict.p99)}  mean ${ms(predict.mean)}` +
    `  (${(CALLS / wall).toFixed(0)} calls/s, server CPU ${ms(serverCpuPerCall)} per call)`);
  console.log(`plain HTTP GET /health:          p50 ${ms(http1.p50)}  p99 ${ms(http1.p99)}  mean ${ms(http1.mean)}`);
  if (fa) console.log(`FastAPI POST /gradio_api/run/add: p50 ${ms(fa.p50)}  p99 ${ms(fa.p99)}  mean ${ms(fa.mean)}`);
  console.log(`predict p50 / GET /health p50:   ${(predict.p50 / http1.p50).toFixed(2)}x  (target <= 3x)`);
  for (const [target, s] of [["Qradio predict", predict], ["Qradio GET /health", http1], ["FastAPI POST run/add", fa]]) {
    if (!s) continue;
    record(target, run, "p50", s.p50.toFixed(4), "ms");
    record(target, run, "p99", s.p99.toFixed(4), "ms");
  }
  record("Qradio predict", run, "calls_per_s", (CALLS / wall).toFixed(1), "calls/s");
  record("Qradio predict", run, "server_cpu_per_call", serverCpuPerCall.toFixed(4), "ms");
}

async function streaming(run) {
  console.log(`\n== Run ${run}/${RUNS}: streaming, a generator yielding ${EVENTS} small values, read raw from /queue/data ==`);
  for (const name of ["count", "count_blocking"]) {
    const session = Math.random().toString(16).slice(2);
    const cpu = cpuSeconds(server.pid);
    const t = performance.now();
    await joinQueue(name, [EVENTS], session);
    const result = await readStream(session).catch((e) => ({ error: e.message }));
    const seconds = (performance.now() - t) / 1000;
    if (result.error || result.generating !== EVENTS || result.completed?.output?.data?.[0] !== EVENTS - 1) {
      console.log(`${name}: FAILED after ${seconds.toFixed(2)} s: ${JSON.stringify(result).slice(0, 300)}`);
      failed = true;
      continue;
    }
    const serverCpu = cpuSeconds(server.pid) - cpu;
    console.log(`${name.padEnd(15)} ${(EVENTS / seconds).toFixed(0).padStart(8)} events/s  (${seconds.toFixed(2)} s, ` +
      `${(result.bytes / 1e6).toFixed(1)} MB, server CPU ${serverCpu.toFixed(2)} s)`);
    record(`Qradio ${name}`, run, "events_per_s", (EVENTS / seconds).toFixed(1), "events/s");
  }
  if (fastapi) {
    const t = performance.now();
    const result = await readStream("", { port: fastapi.port, path: `/bench/stream/${EVENTS}` }).catch((e) => ({ error: e.message }));
    const seconds = (performance.now() - t) / 1000;
    if (result.error || result.generating !== EVENTS || result.completed?.output?.data?.[0] !== EVENTS - 1) {
      console.log(`FastAPI stream: FAILED after ${seconds.toFixed(2)} s: ${JSON.stringify(result).slice(0, 300)}`);
      failed = true;
    } else {
      console.log(`FastAPI stream  ${(EVENTS / seconds).toFixed(0).padStart(8)} events/s  (${seconds.toFixed(2)} s, ` +
        `${(result.bytes / 1e6).toFixed(1)} MB; StreamingResponse, no queue)`);
      record("FastAPI stream", run, "events_per_s", (EVENTS / seconds).toFixed(1), "events/s");
    }
  }
  const http2 = await httpRoundTrips(CALLS);
  console.log(`plain HTTP GET /health, same run: p50 ${ms(http2.p50)}  p99 ${ms(http2.p99)}  ` +
    `(${(1000 / http2.mean).toFixed(0)} sequential requests/s)`);
  record("Qradio GET /health", run, "sequential_req_per_s", (1000 / http2.mean).toFixed(1), "req/s");
}

try {
  const client = await Client.connect(url);
  for (let i = 0; i < WARMUP; ++i) await client.predict("/noop", []);
  await httpRoundTrips(WARMUP);
  if (fastapi) await fastapiRoundTrips(WARMUP);
  for (let run = 1; run <= RUNS; ++run) {
    await roundTrips(client, run);
    await streaming(run);
  }
  client.close();
  if (opts.csv) {
    mkdirSync(dirname(resolve(opts.csv)), { recursive: true });
    writeFileSync(opts.csv, ["target,run,metric,value,unit", ...rows.map((r) => r.join(","))].join("\n") + "\n");
    console.log(`raw figures: ${opts.csv}`);
  }
} finally {
  server.kill("SIGTERM");
  if (fastapi) fastapi.child.kill("SIGTERM");
  await once(server, "exit");
  if (fastapi && fastapi.child.exitCode === null) await once(fastapi.child, "exit");
}
if (failed) process.exit(1);
