// SPDX-License-Identifier: MIT
//
// Two headless replicas of the calculator behind the real nginx (Debian's), configured by
// deploy/nginx/qradio.conf itself, with the app under the sub-path /app/ (root_path). Clients on
// several source addresses of 127.0.0.0/8: the real @gradio/client (replica_client.mjs, one process
// per address) and Gradio's curl flow (POST /call/<api>, GET /call/<api>/<event_id>).
//
//   1. every call completes with its answer, and both replicas serve sessions; every request of a
//      session reaches the one replica that holds it (nginx's log names the upstream);
//   2. one replica gets SIGTERM while it runs and queues calls: each of its calls still completes,
//      it exits 0, and sessions started after the signal are served by the other replica.

import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { freePort, startCalculator } from "./harness.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const deployDir = process.env.QRADIO_DEPLOY_DIR;
const nginxBinary = process.env.QRADIO_NGINX ?? "/usr/sbin/nginx";
const SOURCES = ["127.0.0.2", "127.0.0.3", "127.0.0.4"];

let dir;
let nginx;
let nginxPort;
let replicas = [];
const nginxOutput = [];

// deploy/nginx/qradio.conf with the test's replicas, port and include path; everything else as shipped.
function nginxConfig(ports) {
  let site = readFileSync(join(deployDir, "nginx", "qradio.conf"), "utf8");
  const servers = ports.map((p) => `    server 127.0.0.1:${p} max_fails=0;`).join("\n");
  site = site.replace(/(    server 127\.0\.0\.1:\d+ max_fails=0;[^\n]*\n)+/, servers + "\n");
  site = site.replace(/listen 80;/, `listen 127.0.0.1:${nginxPort};`);
  site = site.replaceAll("/etc/nginx/qradio-proxy.conf", join(dir, "qradio-proxy.conf"));
  assert.ok(site.includes(`127.0.0.1:${ports[1]}`), "the upstream block of qradio.conf was not found");
  writeFileSync(join(dir, "qradio-proxy.conf"), readFileSync(join(deployDir, "nginx", "qradio-proxy.conf")));
  writeFileSync(join(dir, "site.conf"), site);
  const user = process.getuid?.() === 0 ? "user root;" : "";
  return `${user}
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log info;
events { worker_connections 1024; }
http {
    log_format replicas '$msec $remote_addr "$qradio_affinity_key" "$upstream_addr" "$upstream_status" $status $request_method $request_uri';
    access_log ${dir}/access.log replicas;
    client_body_temp_path ${dir}/client_body;
    proxy_temp_path ${dir}/proxy;
    fastcgi_temp_path ${dir}/fastcgi;
    uwsgi_temp_path ${dir}/uwsgi;
    scgi_temp_path ${dir}/scgi;
    include ${dir}/site.conf;
}
`;
}

async function startNginx(ports) {
  writeFileSync(join(dir, "nginx.conf"), nginxConfig(ports));
  nginx = spawn(nginxBinary, ["-p", dir, "-c", join(dir, "nginx.conf"), "-g", "daemon off;"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  nginx.stdout.on("data", (d) => nginxOutput.push(String(d)));
  nginx.stderr.on("data", (d) => nginxOutput.push(String(d)));
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${nginxPort}/app/gradio_api/health`);
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {}
    assert.ok(nginx.exitCode === null, `nginx exited: ${nginxOutput.join("")}\n${errorLog()}`);
    assert.ok(Date.now() < deadline, `nginx did not answer on ${nginxPort}: ${nginxOutput.join("")}\n${errorLog()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const errorLog = () => (existsSync(join(dir, "error.log")) ? readFileSync(join(dir, "error.log"), "utf8") : "");

// nginx's access log: one entry per request, with the upstream that finally answered.
function accessLog() {
  const entries = [];
  for (const line of readFileSync(join(dir, "access.log"), "utf8").split("\n")) {
    const m = /^(\S+) (\S+) "([^"]*)" "([^"]*)" "([^"]*)" (\d+) (\S+) (\S+)$/.exec(line);
    if (!m) continue;
    const upstreams = m[4].split(/,\s*/);
    entries.push({
      ms: Math.round(Number(m[1]) * 1000), client: m[2], key: m[3], upstreams, upstream: upstreams.at(-1),
      upstreamStatus: m[5], status: Number(m[6]), method: m[7], uri: m[8],
    });
  }
  return entries;
}

function runClient(source, plan) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(here, "replica_client.mjs"), `http://127.0.0.1:${nginxPort}/app/`, JSON.stringify(plan)], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, REPLICA_SOURCE: source },
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    const guard = setTimeout(() => child.kill("SIGKILL"), 90_000);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(guard);
      const lines = out.split("\n").filter(Boolean).map((l) => JSON.parse(l));
      if (code !== 0) reject(new Error(`client on ${source} exited ${code}\n${err}\n${out}`));
      else resolve(lines.map((l) => ({ ...l, source })));
    });
  });
}

// Gradio's documented curl flow, from one source address: keyed by the client address in nginx.
async function curlCall(source, api, data) {
  const base = `http://127.0.0.1:${nginxPort}/app/gradio_api/call/${api}`;
  const run = promisify(execFile);
  const posted = await run("curl", ["-sS", "--fail", "--max-time", "30", "--interface", source, "-H", "Content-Type: application/json",
                                    "-d", JSON.stringify({ data }), base]);
  const { event_id: eventId } = JSON.parse(posted.stdout);
  assert.ok(eventId, `no event_id from ${base}: ${posted.stdout}`);
  const streamed = await run("curl", ["-sS", "--fail", "--max-time", "60", "--interface", source, `${base}/${eventId}`]);
  const complete = /event: complete\ndata: (.*)\n/.exec(streamed.stdout);
  assert.ok(complete, `no complete event for ${api} from ${source}: ${streamed.stdout}`);
  return JSON.parse(complete[1]);
}

const add = (a, b) => ({ api: "/add", args: { a, b } });
const slow = (seconds) => ({ api: "/slow", args: { seconds } });

// Every session's requests (join, data stream, heartbeat) ended on one upstream.
function sessionsByUpstream(entries) {
  const bySession = new Map();
  for (const e of entries) {
    if (!/\/gradio_api\/(queue\/(join|data)|heartbeat\/)/.test(e.uri) || e.status !== 200) continue;
    if (!bySession.has(e.key)) bySession.set(e.key, new Set());
    bySession.get(e.key).add(e.upstream);
  }
  return bySession;
}

before(async () => {
  assert.ok(deployDir, "QRADIO_DEPLOY_DIR must name the deploy/ folder");
  assert.ok(existsSync(nginxBinary), `nginx not found at ${nginxBinary} (apt-get install nginx-light)`);
  dir = mkdtempSync(join(tmpdir(), "qradio-replicas-"));
  for (const d of ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]) mkdirSync(join(dir, d));
  replicas = await Promise.all([0, 1].map(() =>
    startCalculator({ env: { GRADIO_ROOT_PATH: "/app" }, args: ["--drain-timeout", "30"] })));
  nginxPort = await freePort();
  await startNginx(replicas.map((r) => r.port));
});

after(async () => {
  if (nginx && nginx.exitCode === null) {
    nginx.kill("SIGTERM");
    await once(nginx, "exit");
  }
  for (const r of replicas) if (r.process.exitCode === null) await r.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("calls through nginx from three client addresses all complete, each session on one replica", async () => {
  // 4 sessions per address, 12 in all: with the session hashed to one of two replicas, both get some.
  const plan = (i) => Array.from({ length: 4 }, (_, s) => [add(i, s), slow(0.05), add(s, 100)]);
  const [results, curls] = await Promise.all([
    Promise.all(SOURCES.map((source, i) => runClient(source, plan(i)))),
    Promise.all(SOURCES.map((source, i) => curlCall(source, "add", [i, 40]))),
  ]);
  const lines = results.flat();
  assert.equal(lines.length, SOURCES.length * 4 * 3);
  for (const line of lines) assert.ok(line.ok, `a call failed: ${JSON.stringify(line)}`);
  for (const [i, source] of SOURCES.entries()) {
    const mine = lines.filter((l) => l.source === source && l.api === "/add");
    const sums = mine.map((l) => l.data[0]).sort((a, b) => a - b);
    const expected = [0, 1, 2, 3].flatMap((s) => [i + s, s + 100]).sort((a, b) => a - b);
    assert.deepEqual(sums, expected, `the answers of the client on ${source}`);
  }
  assert.deepEqual(curls, SOURCES.map((_, i) => [i + 40]));

  const entries = accessLog();
  for (const source of SOURCES) {
    const joins = entries.filter((e) => e.client === source && e.uri.includes("/queue/join"));
    assert.equal(joins.length, 4 * 3, `the JS client's joins from ${source}, as nginx saw them`);
  }
  const sessions = sessionsByUpstream(entries);
  const mySessions = new Set(lines.map((l) => l.session));
  assert.equal(mySessions.size, 12);
  const upstreamsUsed = new Set();
  for (const session of mySessions) {
    const upstreams = sessions.get(session);
    assert.ok(upstreams, `no queue request of session ${session} in nginx's log`);
    assert.equal(upstreams.size, 1, `session ${session} reached ${[...upstreams]}: it must stay on one replica`);
    upstreamsUsed.add([...upstreams][0]);
  }
  assert.equal(upstreamsUsed.size, 2, "12 sessions should be spread over both replicas");
});

test("a replica drained with SIGTERM mid-run finishes its calls; new sessions go to the other", async () => {
  // Sessions that start at once: about half on each replica, each running slow calls (concurrency 1
  // per replica, so the drained one has calls running and waiting when the signal comes).
  const early = (i) => Array.from({ length: 3 }, (_, s) => [slow(0.6), add(i, s)]);
  // Sessions that start after the signal: all must go to the survivor.
  const late = (i) => Array.from({ length: 3 }, (_, s) => ({ delayMs: 1500, calls: [add(i * 10, s), slow(0.1)] }));
  const startMs = Date.now();
  const running = Promise.all(SOURCES.map((source, i) => runClient(source, [...early(i), ...late(i)])));

  await new Promise((r) => setTimeout(r, 700));
  // Drain the replica that took more of the sessions so far (with 9 sessions over 2 replicas,
  // rarely all on one): it then surely has calls running and waiting.
  const joinsOn = (r) => accessLog().filter((e) => e.ms >= startMs && e.upstream === `127.0.0.1:${r.port}` && e.uri.includes("/queue/join")).length;
  const [drained, survivor] = joinsOn(replicas[0]) >= joinsOn(replicas[1]) ? replicas : [...replicas].reverse();
  const drainedUpstream = `127.0.0.1:${drained.port}`;
  const survivorUpstream = `127.0.0.1:${survivor.port}`;
  const signalledMs = Date.now();
  drained.process.kill("SIGTERM");
  const exited = once(drained.process, "exit");
  const lines = (await running).flat();
  const [code, signal] = await exited;
  assert.equal(signal, null);
  assert.equal(code, 0, `the drained replica must exit 0\n${drained.output()}`);

  for (const line of lines) assert.ok(line.ok, `a call failed across the drain: ${JSON.stringify(line)}`);
  assert.equal(lines.length, SOURCES.length * (3 * 2 + 3 * 2));
  for (const [i, source] of SOURCES.entries()) {
    const sums = lines.filter((l) => l.source === source && l.api === "/add").map((l) => l.data[0]).sort((a, b) => a - b);
    const expected = [0, 1, 2].flatMap((s) => [i + s, i * 10 + s]).sort((a, b) => a - b);
    assert.deepEqual(sums, expected, `the answers of the client on ${source}`);
  }

  const entries = accessLog().filter((e) => e.ms >= signalledMs - 2000);
  const sessions = sessionsByUpstream(entries);
  const earlySessions = new Set(lines.filter((l) => l.api === "/slow" && l.startedMs < signalledMs).map((l) => l.session));
  const firstCall = new Map();
  for (const l of lines) firstCall.set(l.session, Math.min(firstCall.get(l.session) ?? Infinity, l.startedMs));
  const lateSessions = new Set([...firstCall].filter(([, ms]) => ms > signalledMs + 200).map(([s]) => s));
  assert.ok(lateSessions.size >= 9, "the late sessions ran");
  const servedByDrained = [...earlySessions].filter((s) => sessions.get(s)?.has(drainedUpstream));
  assert.ok(servedByDrained.length > 0, "the drained replica held some sessions when it got the signal");
  for (const s of lateSessions) {
    const upstreams = sessions.get(s);
    assert.ok(upstreams, `no queue request of late session ${s}`);
    assert.deepEqual([...upstreams], [survivorUpstream],
                     `late session ${s} must be served by the other replica: ${JSON.stringify(entries.filter((e) => e.key === s))}`);
  }
  // The drained replica's calls finished after the signal: it kept serving while draining.
  const finishedAfter = lines.filter((l) => servedByDrained.includes(l.session) && l.endedMs > signalledMs);
  assert.ok(finishedAfter.length > 0, "calls of the drained replica completed after its SIGTERM");
});
