// SPDX-License-Identifier: MIT
//
// deploy/Dockerfile and deploy/kubernetes/qradio.yaml, tested as far as this machine can: no image
// can be built here (no registry), so the files are read and what they say is run against the real
// app (the calculator, as the Dockerfile's default APP):
//   - the image's command line and environment, as the unprivileged user the image runs as, and its
//     HEALTHCHECK command;
//   - the manifest's container args and env, each probe's path and port, and a drain inside the
//     grace period: readiness 503 and liveness 200 while a call finishes, exit 0 in time.

import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { chownSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { promisify } from "node:util";
import { parseAllDocuments } from "yaml";
import { freePort } from "./harness.mjs";

const deployDir = process.env.QRADIO_DEPLOY_DIR;
const binary = process.env.QRADIO_CALCULATOR;
const run = promisify(execFile);
const temps = [];
const children = [];

after(async () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await once(child, "exit");
    }
  }
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

// The Dockerfile's instructions (continuation lines joined), and its stages.
function readDockerfile() {
  const text = readFileSync(join(deployDir, "Dockerfile"), "utf8").replace(/\\\n/g, " ");
  const instructions = text.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"))
    .map((l) => { const [, op, rest] = /^(\S+)\s+(.*)$/.exec(l); return { op: op.toUpperCase(), rest }; });
  const args = Object.fromEntries(instructions.filter((i) => i.op === "ARG" && i.rest.includes("="))
    .map((i) => i.rest.split("=")));
  const stages = [];
  for (const i of instructions) {
    if (i.op === "FROM") stages.push({ from: i.rest.replace(/\$\{(\w+)\}/g, (_, n) => args[n]), steps: [] });
    else stages.at(-1)?.steps.push(i);
  }
  return stages;
}

function envOf(stage) {
  const env = {};
  for (const step of stage.steps.filter((s) => s.op === "ENV"))
    for (const [, k, v] of step.rest.matchAll(/(\w+)=(\S+)/g)) env[k] = v;
  return env;
}

// Starts the app as a container would run it: `argv` with the image's program name replaced by the
// calculator, `--port 7860` by a free port, as `uid` when the test runs as root.
async function startLikeContainer(argv, env, uid) {
  const port = await freePort();
  const args = argv.slice(1).map((a, i, all) => (all[i - 1] === "--port" ? String(port) : a));
  const files = mkdtempSync(join(tmpdir(), "qradio-deploy-"));
  temps.push(files);
  let command = binary;
  let commandArgs = args;
  if (process.getuid?.() === 0 && uid !== undefined) {
    chownSync(files, uid, uid);
    command = "setpriv";
    commandArgs = [`--reuid=${uid}`, `--regid=${uid}`, "--clear-groups", binary, ...args];
  }
  const child = spawn(command, commandArgs, {
    stdio: ["ignore", "pipe", "pipe"],
    env: { PATH: process.env.PATH, ...sanitizerEnv(), ...env, GRADIO_TEMP_DIR: files },
  });
  children.push(child);
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (err += d));
  const exited = once(child, "exit");
  const deadline = Date.now() + 30_000;
  while (!/Running on local URL/.test(out)) {
    assert.ok(child.exitCode === null, `the app exited ${child.exitCode}: ${out}${err}`);
    assert.ok(Date.now() < deadline, `the app did not start: ${out}${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, port, exited, out: () => out, err: () => err };
}

// The sanitizer builds need their options in the child's (otherwise cleared) environment.
const sanitizerEnv = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => /^(ASAN|UBSAN|LSAN|TSAN)_OPTIONS$/.test(k)));

async function get(port, path, headers = {}) {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers });
  return { status: res.status, body: await res.text() };
}

test("Dockerfile: two Debian 12 stages, a headless Release package, non-root, port 7860, a health check", () => {
  const stages = readDockerfile();
  assert.equal(stages.length, 2);
  assert.match(stages[0].from, /^debian:12 AS build$/);
  assert.equal(stages[1].from, "debian:12-slim");
  const build = stages[0].steps.filter((s) => s.op === "RUN").map((s) => s.rest).join("\n");
  assert.match(build, /-DQRADIO_BUILD_DESKTOP=OFF/, "the image must not carry the window (Qt WebEngine)");
  assert.match(build, /-DCMAKE_BUILD_TYPE=Release/);
  assert.match(build, /cpack .*CPACK_COMPONENTS_ALL=/);
  const final = stages[1].steps;
  assert.ok(final.some((s) => s.op === "COPY" && /--from=build/.test(s.rest)), "the run stage takes the package from the build stage");
  assert.ok(!final.some((s) => s.op === "RUN" && /\b(g\+\+|cmake|-dev)\b/.test(s.rest)), "no build tools in the run stage");
  const user = final.filter((s) => s.op === "USER").at(-1)?.rest;
  assert.ok(user && user !== "0" && user !== "root", `the image must run as a non-root user, not ${user}`);
  assert.ok(final.some((s) => s.op === "EXPOSE" && s.rest === "7860"));
  assert.ok(final.some((s) => s.op === "HEALTHCHECK"));
  assert.ok(final.some((s) => s.op === "CMD"));
});

test("the image's command and health check work as its user; without a token it refuses to listen", async () => {
  const final = readDockerfile()[1];
  const env = envOf(final);
  const uid = Number(final.steps.filter((s) => s.op === "USER").at(-1).rest);
  const cmd = JSON.parse(final.steps.find((s) => s.op === "CMD").rest);
  assert.equal(cmd[0], "qradio-app");
  assert.deepEqual(cmd.slice(cmd.indexOf("--host"), cmd.indexOf("--host") + 2), ["--host", "0.0.0.0"]);

  // As shipped, with neither QRADIO_TOKEN nor QRADIO_PUBLIC: exit 2 and the reason.
  const refused = spawn(binary, cmd.slice(1).map((a) => (a === "7860" ? "0" : a)), {
    stdio: ["ignore", "pipe", "pipe"], env: { PATH: process.env.PATH, ...sanitizerEnv(), ...env, GRADIO_TEMP_DIR: tmpdir() },
  });
  let refusedErr = "";
  refused.stderr.on("data", (d) => (refusedErr += d));
  const [code] = await once(refused, "exit");
  assert.equal(code, 2, refusedErr);
  assert.match(refusedErr, /QRADIO_TOKEN/);

  const app = await startLikeContainer(cmd, { ...env, QRADIO_TOKEN: "deploy-secret" }, uid);
  const healthcheck = JSON.parse(final.steps.find((s) => s.op === "HEALTHCHECK").rest.replace(/^.*?CMD\s+/, ""));
  assert.equal(healthcheck[0], "curl");
  const probe = healthcheck.slice(1).map((a) => a.replace(":7860/", `:${app.port}/`));
  await run("curl", probe); // exit code 0 = healthy
  assert.equal((await get(app.port, "/gradio_api/info")).status, 401, "everything else still needs the token");
  assert.equal((await get(app.port, "/gradio_api/info", { Authorization: "Bearer deploy-secret" })).status, 200);

  // QRADIO_LOG_FORMAT=json and --access-log: the health check's request is a JSON log line.
  await new Promise((r) => setTimeout(r, 200));
  const lines = app.err().split("\n").filter(Boolean).map((l) => JSON.parse(l));
  assert.ok(lines.some((l) => l.category === "qradio.access" && l.path === "/gradio_api/health" && l.status === 200),
            `no JSON access line for the health check in:\n${app.err()}`);
  app.child.kill("SIGTERM");
  assert.equal((await app.exited)[0], 0);

  // QRADIO_PUBLIC=1: an app meant for anyone serves without a token.
  const open = await startLikeContainer(cmd, { ...env, QRADIO_PUBLIC: "1" }, uid);
  assert.equal((await get(open.port, "/gradio_api/info")).status, 200);
  open.child.kill("SIGTERM");
  assert.equal((await open.exited)[0], 0);
});

test("Kubernetes: the probes answer, and a pod drains inside its grace period", async () => {
  const docs = parseAllDocuments(readFileSync(join(deployDir, "kubernetes", "qradio.yaml"), "utf8")).map((d) => d.toJS());
  const deployment = docs.find((d) => d.kind === "Deployment");
  const service = docs.find((d) => d.kind === "Service");
  assert.ok(deployment && service);
  assert.equal(service.spec.sessionAffinity, "ClientIP", "a session must stay on its replica");
  const pod = deployment.spec.template.spec;
  assert.equal(pod.securityContext.runAsNonRoot, true);
  const [container] = pod.containers;
  const portByName = Object.fromEntries(container.ports.map((p) => [p.name, p.containerPort]));
  assert.equal(portByName[service.spec.ports[0].targetPort], 7860);

  const env = {};
  for (const e of container.env) env[e.name] = e.value ?? (e.valueFrom?.secretKeyRef ? "k8s-secret" : undefined);
  const drainSeconds = Number(env.QRADIO_DRAIN_TIMEOUT);
  const preStop = container.lifecycle?.preStop?.exec?.command;
  const pause = preStop?.[0] === "sleep" ? Number(preStop[1]) : 0;
  assert.ok(drainSeconds > 0);
  assert.ok(pod.terminationGracePeriodSeconds >= pause + drainSeconds + 5,
            `terminationGracePeriodSeconds ${pod.terminationGracePeriodSeconds} must cover the preStop pause (${pause} s) and the drain (${drainSeconds} s)`);

  // The container as the pod runs it; the image's command is qradio-app with these args.
  const app = await startLikeContainer(["qradio-app", ...container.args], env, pod.securityContext.runAsUser);
  const probes = ["startupProbe", "livenessProbe", "readinessProbe"].map((name) => ({ name, ...container[name].httpGet }));
  for (const probe of probes) {
    assert.equal(portByName[probe.port] ?? probe.port, 7860);
    const { status } = await get(app.port, probe.path); // kubelet sends no token
    assert.equal(status, 200, `${probe.name} on ${probe.path}`);
  }

  // A call in flight, then the kubelet's SIGTERM (after the preStop pause).
  const auth = { Authorization: `Bearer ${env.QRADIO_TOKEN}`, "Content-Type": "application/json" };
  const posted = await fetch(`http://127.0.0.1:${app.port}/gradio_api/call/slow`, {
    method: "POST", headers: auth, body: JSON.stringify({ data: [1.5] }) });
  const { event_id: eventId } = await posted.json();
  const result = fetch(`http://127.0.0.1:${app.port}/gradio_api/call/slow/${eventId}`, { headers: auth }).then((r) => r.text());
  await new Promise((r) => setTimeout(r, 300));
  const signalled = Date.now();
  app.child.kill("SIGTERM");
  await new Promise((r) => setTimeout(r, 200));
  const readiness = probes.find((p) => p.name === "readinessProbe").path;
  const liveness = probes.find((p) => p.name === "livenessProbe").path;
  assert.equal((await get(app.port, readiness)).status, 503, "readiness must fail while draining");
  assert.equal((await get(app.port, liveness)).status, 200, "liveness must hold while draining");
  assert.match(await result, /event: complete\ndata: \[1\.5\]/, "the call in flight completes");
  const [code] = await app.exited;
  assert.equal(code, 0);
  assert.ok(Date.now() - signalled < drainSeconds * 1000, "it exits once the call is done, well inside the drain");
});
