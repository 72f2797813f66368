// SPDX-License-Identifier: MIT
//
// Latency of one MCP tool call over streamable HTTP with the official TypeScript SDK client,
// beside plain HTTP round trips to the same server in the same run.
//
//   cd <build>/npm && node_modules/node/bin/node ../../bench/mcp/mcp_latency.mjs \
//       [--app <build>/examples/calculator/calculator] [--iterations 2000] [--warmup 300]
//
// It starts the app headless on a free port and measures, interleaved in rounds so that every
// kind sees the same machine state:
//   http-get      GET /gradio_api/app_id: an HTTP round trip answered on the network thread
//   api-run       POST /gradio_api/run/add: the same function through the Gradio API (queue, worker)
//   mcp-raw       POST /gradio_api/mcp/ tools/call add as one fetch (JSON-RPC, no SDK)
//   mcp-sdk       Client.callTool add through StreamableHTTPClientTransport (session, SDK validation)
// `add` does an integer addition: a no-op next to the call's transport.
// Prints p50/p90/p99/mean in milliseconds per kind.

import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";
import { performance } from "node:perf_hooks";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith("--") ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []));

const npmDir = resolve(args.npm ?? process.cwd());
const app = resolve(args.app ?? process.env.QRADIO_CALCULATOR ?? join(npmDir, "..", "examples", "calculator", "calculator"));
const iterations = Number(args.iterations ?? 2000);
const warmup = Number(args.warmup ?? 300);
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

const { child, url } = await startApp();
try {
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

  for (const run of Object.values(kinds)) for (let i = 0; i < warmup; ++i) await run();

  const samples = Object.fromEntries(Object.keys(kinds).map((k) => [k, []]));
  const perRound = Math.ceil(iterations / rounds);
  for (let round = 0; round < rounds; ++round) {
    for (const [name, run] of Object.entries(kinds)) {
      for (let i = 0; i < perRound; ++i) {
        const t0 = performance.now();
        await run();
        samples[name].push(performance.now() - t0);
      }
    }
  }

  console.log(`app: ${app}`);
  console.log(`node ${process.version}, ${perRound * rounds} calls per kind after ${warmup} warm-up calls, sequential, keep-alive`);
  console.log("kind        p50 ms   p90 ms   p99 ms   mean ms   p50 / http-get p50");
  const base = stats(samples["http-get"]).p50;
  for (const [name, list] of Object.entries(samples)) {
    const s = stats(list);
    console.log(`${name.padEnd(10)} ${[s.p50, s.p90, s.p99, s.mean].map((x) => x.toFixed(3).padStart(8)).join(" ")}` +
      `   ${(s.p50 / base).toFixed(2)}x`);
  }
  console.log("targets (issue 10): api-run <= 1.5x, mcp-sdk <= 2x");
  await transport.terminateSession().catch(() => {});
  await client.close();
} finally {
  child.kill("SIGTERM");
  await once(child, "exit");
}

