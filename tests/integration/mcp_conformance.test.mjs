// SPDX-License-Identifier: MIT
//
// The official MCP conformance suite (@modelcontextprotocol/conformance, pinned by
// package-lock.json; Node >= 22) against examples/mcp_conformance, which registers the fixtures
// its scenarios call. Every scenario of the active suite must pass: no FAILURE and no WARNING
// in any check, and no expected-failures list.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { startCalculator } from "./harness.mjs";

// The active ("core") server suite of conformance 0.1.16.
const ACTIVE_SCENARIOS = [
  "server-initialize", "logging-set-level", "ping", "completion-complete", "tools-list",
  "tools-call-simple-text", "tools-call-image", "tools-call-audio", "tools-call-embedded-resource",
  "tools-call-mixed-content", "tools-call-with-logging", "tools-call-error", "tools-call-with-progress",
  "tools-call-sampling", "tools-call-elicitation", "elicitation-sep1034-defaults",
  "server-sse-multiple-streams", "elicitation-sep1330-enums", "resources-list", "resources-read-text",
  "resources-read-binary", "resources-templates-read", "resources-subscribe", "resources-unsubscribe",
  "prompts-list", "prompts-get-simple", "prompts-get-with-args", "prompts-get-embedded-resource",
  "prompts-get-with-image", "dns-rebinding-protection",
];

/** examples/mcp_conformance next to the calculator in the build tree, unless named explicitly. */
function fixturesBinary() {
  if (process.env.QRADIO_MCP_CONFORMANCE) return process.env.QRADIO_MCP_CONFORMANCE;
  assert.ok(process.env.QRADIO_CALCULATOR, "QRADIO_CALCULATOR (or QRADIO_MCP_CONFORMANCE) must be set");
  return join(dirname(process.env.QRADIO_CALCULATOR), "..", "mcp_conformance", "mcp_conformance");
}

let server;
let outDir;
before(async () => {
  // The harness starts whatever QRADIO_CALCULATOR names, and checks the clean exit.
  const calculator = process.env.QRADIO_CALCULATOR;
  process.env.QRADIO_CALCULATOR = fixturesBinary();
  try {
    server = await startCalculator();
  } finally {
    process.env.QRADIO_CALCULATOR = calculator;
  }
  outDir = mkdtempSync(join(tmpdir(), "qradio-mcp-conformance-"));
});

after(async () => {
  await server?.stop();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

async function runSuite(args) {
  // CTest runs the integration tests in the npm folder of the build tree.
  const cli = join(process.cwd(), "node_modules", "@modelcontextprotocol", "conformance", "dist", "index.js");
  const child = spawn(process.execPath, [cli, "server", "--url", `${server.url}/gradio_api/mcp/`, ...args],
                      { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (c) => (output += c));
  child.stderr.setEncoding("utf8").on("data", (c) => (output += c));
  const [code] = await once(child, "exit");
  return { code, output };
}

test("the active server suite passes in full", async (t) => {
  const { code, output } = await runSuite(["--suite", "active", "-o", outDir]);
  const summary = output.slice(output.indexOf("=== SUMMARY ==="));
  t.diagnostic(summary);

  // One results folder per scenario: server-<scenario>-<timestamp>/checks.json.
  const results = new Map();
  for (const entry of readdirSync(outDir)) {
    const scenario = entry.replace(/^server-/, "").replace(/-\d{4}-\d{2}-\d{2}T.*$/, "");
    results.set(scenario, JSON.parse(readFileSync(join(outDir, entry, "checks.json"), "utf8")));
  }
  assert.deepEqual([...results.keys()].sort(), [...ACTIVE_SCENARIOS].sort(), "every active scenario ran");

  for (const scenario of ACTIVE_SCENARIOS) {
    await t.test(scenario, () => {
      const checks = results.get(scenario);
      assert.ok(checks.some((c) => c.status === "SUCCESS"), `${scenario}: no successful check`);
      const bad = checks.filter((c) => c.status === "FAILURE" || c.status === "WARNING");
      assert.deepEqual(bad.map((c) => `${c.status} ${c.id}: ${c.errorMessage ?? ""}`), [], scenario);
    });
  }
  assert.equal(code, 0, output);
});
