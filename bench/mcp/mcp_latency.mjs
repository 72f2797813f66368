// SPDX-License-Identifier: MIT
//
// Latency of one MCP tool call over streamable HTTP with the official TypeScript SDK client,
// beside plain HTTP round trips to the same server in the same run.
//
//   cd <build>/npm && node_modules/node/bin/node ../../bench/mcp/mcp_latency.mjs \
//       [--app <build>/examples/calculator/calculator] [--iterations 2000] [--warmup 300]
//       [--runs 1] [--smoke] [--csv <file>] [--python <python3 with fastapi and uvicorn>]
//
// It starts the app headless on a free port and measures, interleaved in rounds so that every
// kind sees the same machine state:
//   http-get      GET /gradio_api/app_id: an HTTP round trip answered on the network thread
//   api-run       POST /gradio_api/run/add: the same function through the Gradio API (queue, worker)
//   mcp-raw       POST /gradio_api/mcp/ tools/call add as one fetch (JSON-RPC, no SDK)
//   mcp-sdk       Client.callTool add through StreamableHTTPClientTransport (session, SDK validation)
// `add` does an integer addition: a no-op next to the call's transport.
// and, with --python, the baseline from outside Qradio:
//   fastapi-run   POST /gradio_api/run/add of bench/http/fastapi_app.py on uvicorn (h11, asyncio):
//                 one plain JSON request to Python's stack, a floor for any Python MCP server
// Prints p50/p90/p99/mean in milliseconds per kind; --runs repeats the measurement on the same
// server, --csv writes one row per run, kind and figure.

import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import net from "node:net";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";
import { performance } from "node:perf_hooks";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith("--")
    ? [...pairs, [arg.slice(2), all[i + 1] === undefined || all[i + 1].startsWith("--") ? "true" : all[i + 1]]] : pairs), []));
if (args.smoke) Object.assign(args, { iterations: "100", warmup: "20", runs: "1" });

const npmDir = resolve(args.npm ?? process.cwd());
const app = resolve(args.app ?? process.env.QRADIO_CALCULATOR ?? join(npmDir, "..", "examples", "calculator", "calculator"));
const iterations = Number(args.iterations ?? 2000);
const warmup = Number(args.warmup ?? 300);
const runs = Number(args.runs ?? 1);
const rounds = 20;

const sdk = (path) => pathToFileURL(join(npmDir, "node_modules", "@modelcontextprotocol", "sdk", "dist", "esm", path)).href;
if (!existsSync(fileURLToPath(sdk("client/index.js")))) {
  console.error(`@modelcontextprotocol/sdk not found under ${npmDir}/node_modules: run from <build>/npm or pass --npm`);
  process.exit(2);
}
const { Client } = await import(sdk("client/index.js"));
const { StreamableHTTPClientTransport } = await import(sdk("client/streamableHttp.js"));

async function startApp() {
  const child = spawn(app, ["--headless", "--host", "127.0.0.1", "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    const m = /Running on local URL:\s+(\S+)/.exec(line);
    if (m) return { child, url: m[1] };
  }
  throw new Error(`${app} exited before printing its URL`);
}

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const mean = sorted.reduce((s, x) => s + x, 0) / sorted.length;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), mean };
}

async function startFastapi(python) {
  const port = await new Promise((ok) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => ok(p)); });
  });
  const child = spawn(python, ["-m", "uvicorn", "fastapi_app:app", "--host", "127.0.0.1", "--port", String(port),
    "--workers", "1", "--loop", "asyncio", "--http", "h11", "--no-access-log", "--log-level", "warning"],
  { cwd: join(dirname(fileURLToPath(import.meta.url)), "..", "http"), stdio: ["ignore", "inherit", "inherit"] });
  const deadline = Date.now() + 20000;
  for (;;) {
    try { if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) return { child, url: `http://127.0.0.1:${port}` }; } catch {}
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill("SIGTERM");
      throw new Error("FastAPI (uvicorn) did not start");
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

const { child, url } = await startApp();
let fastapi = null;
try {
  if (args.python) fastapi = await startFastapi(args.python);
  const mcpUrl = `${url}/gradio_api/mcp/`;
  const client = new Client({ name: "qradio-bench", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL(mcpUrl));
  await client.connect(transport);
  await client.listTools();

  let id = 0;
  const kinds = {
    "http-get": async () => {
      const r = await fetch(`${url}/gradio_api/app_id`);
      await r.arrayBuffer();
    },
    "api-run": async () => {
      const r = await fetch(`${url}/gradio_api/run/add`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ data: [1, 2] }),
      });
      const body = await r.json();
      if (body.data?.[0] !== 3) throw new Error(`api-run: ${JSON.stringify(body)}`);
    },
    "mcp-raw": async () => {
      const r = await fetch(mcpUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream" },
        body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method: "tools/call", params: { name: "add", arguments: { a: 1, b: 2 } } }),
      });
      const body = await r.json();
      if (body.result?.content?.[0]?.text !== "3") throw new Error(`mcp-raw: ${JSON.stringify(body)}`);
    },
    "mcp-sdk": async () => {
      const result = await client.callTool({ name: "add", arguments: { a: 1, b: 2 } });
      if (result.content?.[0]?.text !== "3") throw new Error(`mcp-sdk: ${JSON.stringify(result)}`);
    },
  };
  if (fastapi) {
    kinds["fastapi-run"] = async () => {
      const r = await fetch(`${fastapi.url}/gradio_api/run/add`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ data: [1, 2] }),
      });
      const body = await r.json();
      if (body.data?.[0] !== 3) throw new Error(`fastapi-run: ${JSON.stringify(body)}`);
    };
  }

  for (const run of Object.values(kinds)) for (let i = 0; i < warmup; ++i) await run();

  const rows = []; // [kind, run, metric, value, unit]
  const perRound = Math.ceil(iterations / rounds);
  console.log(`app: ${app}`);
  console.log(`node ${process.version}, ${perRound * rounds} calls per kind after ${warmup} warm-up calls, sequential, keep-alive`);
  for (let run = 1; run <= runs; ++run) {
    const samples = Object.fromEntries(Object.keys(kinds).map((k) => [k, []]));
    for (let round = 0; round < rounds; ++round) {
      for (const [name, call] of Object.entries(kinds)) {
        for (let i = 0; i < perRound; ++i) {
          const t0 = performance.now();
          await call();
          samples[name].push(performance.now() - t0);
        }
      }
    }
    console.log(`run ${run}/${runs}\nkind          p50 ms   p90 ms   p99 ms   mean ms   p50 / http-get p50`);
    const base = stats(samples["http-get"]).p50;
    for (const [name, list] of Object.entries(samples)) {
      const s = stats(list);
      console.log(`${name.padEnd(12)} ${[s.p50, s.p90, s.p99, s.mean].map((x) => x.toFixed(3).padStart(8)).join(" ")}` +
        `   ${(s.p50 / base).toFixed(2)}x`);
      for (const m of ["p50", "p90", "p99", "mean"]) rows.push([name, run, m, s[m].toFixed(4), "ms"]);
    }
  }
  if (args.csv) {
    mkdirSync(dirname(resolve(args.csv)), { recursive: true });
    writeFileSync(args.csv, ["kind,run,metric,value,unit", ...rows.map((r) => r.join(","))].join("\n") + "\n");
    console.log(`raw figures: ${args.csv}`);
  }
  console.log("targets (issue 10): api-run <= 1.5x, mcp-sdk <= 2x");
  await transport.terminateSession().catch(() => {});
  await client.close();
} finally {
  child.kill("SIGTERM");
  if (fastapi) fastapi.child.kill("SIGTERM");
  await once(child, "exit");
  if (fastapi && fastapi.child.exitCode === null) await once(fastapi.child, "exit");
}

