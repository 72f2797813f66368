// SPDX-License-Identifier: MIT
//
// Stress test of the queue (CTest stress.queue, label stress): 2,000 calls from 50 concurrent
// sessions, each session joining with raw HTTP and reading one /gradio_api/queue/data stream at a
// time, with random cancels (of waiting and of running calls), random stream disconnects, joins
// made while the stream is open (racing its close_stream), generators, failures and time limits.
//
// Asserts: every event whose stream stayed open gets exactly one terminal message
// (process_completed), none is lost or duplicated, nothing arrives for an event after it, no session
// sees another's events, every frame is well formed; the server stays up; and its memory returns
// to its baseline. Then a client that joins 4,000 times with 50 KB and never reads: it is refused
// past what one session may hold, and what it held is given back once it is gone. Last, a client
// that stops reading: its generator is held back (no CPU, bounded memory) and the client is cut
// off after a while without reading.
//
// Random choices come from a seeded generator; the seed is printed and QRADIO_STRESS_SEED replays it.

import assert from "node:assert/strict";
import { once } from "node:events";
import { readFile } from "node:fs/promises";
import net from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, test } from "node:test";
import { QueueClient, guard, newSessionHash, startQueueApp } from "../integration/queue_support.mjs";

const SESSIONS = 50;
const CALLS = 2000;
const CANCEL_RATE = 0.15;
const DISCONNECT_RATE = 0.06;
// Memory: see the test "memory returns to its baseline" for why this margin.
const RSS_MARGIN_MB = 20;
// In a QRADIO_SANITIZE build the resident size is mostly the sanitizer's (ASan keeps freed memory in
// a 256 MB quarantine, TSan's shadow grows with every address used), so the memory bounds are
// checked in normal builds only; there LeakSanitizer checks what a baseline would.
const SANITIZER = process.env.QRADIO_SANITIZER;
// Sessions nobody reads are dropped this long after their last message (default 60 s).
const UNREAD_SESSION_TIMEOUT_MS = 2000;

const seed = Number(process.env.QRADIO_STRESS_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`stress seed ${seed} (replay with QRADIO_STRESS_SEED=${seed})`);

function mulberry32(a) {
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = mulberry32(seed);
const pick = (n) => Math.floor(random() * n);

let app;
let q;

before(async () => {
  app = await startQueueApp({ args: ["--unread-session-timeout", String(UNREAD_SESSION_TIMEOUT_MS)] });
  q = await QueueClient.create(app.url);
});

after(async () => {
  await app?.stop();
});

/** A random call and what its successful completion must carry. */
function randomCall(index) {
  const r = random();
  if (r < 0.30) {
    const text = `s${index}-${pick(1e6)}`;
    return { name: "echo", data: [text], expect: [text] };
  }
  if (r < 0.50) {
    const ms = pick(4);
    return { name: "work", data: [ms], expect: [ms] };
  }
  if (r < 0.62) {
    const n = pick(25);
    return { name: "count", data: [n], expect: [n ? n - 1 : null], generating: n };
  }
  if (r < 0.72) {
    const n = pick(25);
    return { name: "count_blocking", data: [n], expect: [n ? n - 1 : null], generating: n };
  }
  if (r < 0.84) {
    const seconds = pick(3) / 1000;
    return { name: "hold", data: [seconds], expect: [seconds] };
  }
  if (r < 0.92) {
    const n = 1 + pick(4);
    return { name: "tick", data: [n, 1], expect: [n - 1], generating: n };
  }
  if (r < 0.96) return { name: "work", data: ["not a number"], fails: true };
  // Ends by its 0.2 s time limit.
  return { name: "limited", data: [30], fails: true };
}

class Stats {
  joined = 0;
  checked = 0;
  disconnected = 0;
  cancels = 0;
  reopened = 0;
  violations = [];
  fail(why) {
    if (this.violations.length < 50) this.violations.push(why);
  }
}

/** Takes the messages of one stream into the events' records. */
function absorb(stream, events, stats, hash) {
  for (const m of stream.messages) {
    if (m.event_id === null) {
      if (!["heartbeat", "close_stream"].includes(m.msg)) stats.fail(`${hash}: session message ${JSON.stringify(m)}`);
      continue;
    }
    const record = events.get(m.event_id);
    if (!record) {
      stats.fail(`${hash}: a message for an event this session never joined: ${JSON.stringify(m)}`);
      continue;
    }
    if (record.terminal > 0) stats.fail(`${hash}: a message after the completion of ${m.event_id}: ${m.msg}`);
    record.messages.push(m);
    if (m.msg === "process_completed") record.terminal += 1;
  }
}

function check(record, stats) {
  const { call, messages, eventId } = record;
  const what = `${call.name}${JSON.stringify(call.data)} ${eventId}`;
  const terminals = messages.filter((m) => m.msg === "process_completed");
  if (terminals.length !== 1) {
    stats.fail(`${what}: ${terminals.length} terminal messages: ${JSON.stringify(messages.map((m) => m.msg))}`);
    return;
  }
  if (messages[0].msg !== "estimation") stats.fail(`${what}: first message ${messages[0].msg}`);
  const done = terminals[0];
  const cancelledOutput = done.success === true && Object.keys(done.output).length === 0;
  if (cancelledOutput) {
    if (!record.cancelled) stats.fail(`${what}: completed as cancelled without a cancel`);
  } else if (call.fails) {
    if (done.success !== false || !("error" in done.output)) stats.fail(`${what}: should fail: ${JSON.stringify(done)}`);
  } else if (done.success !== true) {
    stats.fail(`${what}: failed: ${JSON.stringify(done)}`);
  } else {
    if (JSON.stringify(done.output.data) !== JSON.stringify(call.expect))
      stats.fail(`${what}: result ${JSON.stringify(done.output.data)}, expected ${JSON.stringify(call.expect)}`);
    const generating = messages.filter((m) => m.msg === "process_generating").length;
    if (call.generating !== undefined && !record.cancelled && generating !== call.generating)
      stats.fail(`${what}: ${generating} process_generating, expected ${call.generating}`);
  }
  stats.checked += 1;
}

/** One simulated client: `calls` calls in waves of 1-5, some joined while its stream is open. */
async function runSession(index, calls, stats) {
  let hash = newSessionHash();
  let left = calls;
  while (left > 0) {
    const n = Math.min(left, 1 + pick(5));
    left -= n;
    const events = new Map();
    const cancels = [];
    const join = async (k) => {
      const call = randomCall(index * 1000 + k);
      const eventId = await q.join(call.name, call.data, hash);
      stats.joined += 1;
      const record = { call, eventId, messages: [], terminal: 0, cancelled: false };
      events.set(eventId, record);
      if (random() < CANCEL_RATE) {
        record.cancelled = true;
        stats.cancels += 1;
        // At once (usually still waiting) or after a few milliseconds (usually running).
        const delay = random() < 0.5 ? 0 : pick(5);
        cancels.push(sleep(delay).then(() => q.cancel(call.name, eventId, hash)));
      }
      return record;
    };

    const beforeOpen = 1 + pick(n);
    for (let k = 0; k < beforeOpen; ++k) await join(k);
    let stream = q.openStream(hash);
    const disconnectAfter = random() < DISCONNECT_RATE ? pick(6) : -1;
    const lateJoins = [];
    if (beforeOpen < n) {
      // Joined once the stream is open, racing the completion of the earlier calls: some land
      // after the server closed the stream and need a new one.
      await stream.waitFor(() => true, { what: "the stream's first message" }).catch(() => {});
      for (let k = beforeOpen; k < n; ++k) lateJoins.push(join(k));
    }

    let disconnected = false;
    if (disconnectAfter >= 0) {
      await stream.waitFor(() => stream.messages.length > disconnectAfter, { what: `message #${disconnectAfter}` })
        .catch(() => {}); // the stream may end first
      stream.close();
      disconnected = true;
    }
    await Promise.all(lateJoins);
    await Promise.all(cancels);

    for (;;) {
      await guard(stream.done, `the stream of session ${hash}`, () => stream.describe());
      if (stream.error) stats.fail(`${hash}: ${stream.error.message}`);
      absorb(stream, events, stats, hash);
      if (disconnected) break;
      if (stream.messages.at(-1)?.msg !== "close_stream")
        stats.fail(`${hash}: the stream ended without close_stream: ${stream.describe()}`);
      const open = [...events.values()].filter((r) => r.terminal === 0);
      if (open.length === 0) break;
      // Joined after the server closed the stream: a new stream of the same session carries them.
      stats.reopened += 1;
      stream = q.openStream(hash);
    }

    for (const record of events.values()) {
      if (disconnected && record.terminal === 0) {
        stats.disconnected += 1;
        continue;
      }
      check(record, stats);
    }
    if (disconnected) hash = newSessionHash(); // a client that lost its stream starts over
  }
}

async function rss() {
  const status = await readFile(`/proc/${app.process.pid}/status`, "utf8");
  const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN) / 1024;
  return { vmRss: field("VmRSS"), rssAnon: field("RssAnon") };
}

/** Waits until nothing waits in the queue, then lets running work finish and memory settle. */
async function settle() {
  await guard((async () => {
    while ((await q.queueSize()) !== 0) await sleep(50);
  })(), "an empty queue");
  // A settle period, not synchronisation: worker threads finish freeing and glibc trims.
  await sleep(1500);
}

async function round(calls, stats) {
  const perSession = Math.floor(calls / SESSIONS);
  await Promise.all(Array.from({ length: SESSIONS }, (_, i) =>
    runSession(i, perSession + (i < calls % SESSIONS ? 1 : 0), stats)));
}

let baseline;
let stats;

test("warm-up round (sets the memory baseline)", async () => {
  const warm = new Stats();
  await round(500, warm);
  assert.deepEqual(warm.violations, []);
  await settle();
  baseline = await rss();
  console.log(`baseline: VmRSS ${baseline.vmRss.toFixed(1)} MB, RssAnon ${baseline.rssAnon.toFixed(1)} MB`);
});

test(`${CALLS} calls from ${SESSIONS} sessions: exactly one terminal message per event`, async () => {
  stats = new Stats();
  const started = performance.now();
  await round(CALLS, stats);
  const seconds = (performance.now() - started) / 1000;
  console.log(`${stats.joined} calls in ${seconds.toFixed(1)} s: ${stats.checked} checked, ${stats.cancels} cancels, ` +
    `${stats.disconnected} left on disconnected streams, ${stats.reopened} streams reopened for late joins`);
  assert.equal(stats.joined, CALLS);
  assert.deepEqual(stats.violations, [], `seed ${seed}`);
  assert.equal(stats.checked + stats.disconnected, CALLS);
  assert.ok(stats.checked > CALLS * 0.8, "most calls ran on streams that stayed open");
});

test("the server stays up and answers", async () => {
  assert.equal(app.process.exitCode, null, "the server is running");
  const health = await fetch(new URL("/health", app.url));
  assert.equal(health.status, 200);
  const session = newSessionHash();
  const id = await q.join("echo", ["still here"], session);
  const messages = await q.openStream(session).end();
  assert.deepEqual(messages.find((m) => m.event_id === id && m.msg === "process_completed").output.data, ["still here"]);
});

// Under a sanitizer the resident size is the sanitizer's: the memory checks are not registered there.
if (!SANITIZER) test("memory returns to its baseline", async () => {
  await settle();
  const now = await rss();
  console.log(`after: VmRSS ${now.vmRss.toFixed(1)} MB, RssAnon ${now.rssAnon.toFixed(1)} MB ` +
    `(+${(now.rssAnon - baseline.rssAnon).toFixed(1)} MB anonymous)`);
  // Why +20 MB: the warm-up round already grew the worker pools, glibc's per-thread arenas and Qt's
  // caches to what this load needs (measured: the main round then adds about 1 MB), so what is left
  // to grow is state kept per call. A job with its context, frames and session entries is several
  // kB; leaking 10 kB per call reaches the margin (x 2,000 calls), while allocator noise across tens of
  // worker threads' arenas (a few MB each at worst) stays well under it. Smaller per-call leaks (a
  // few hundred bytes) are below what RSS can show over 2,000 calls.
  assert.ok(now.rssAnon - baseline.rssAnon < RSS_MARGIN_MB,
    `anonymous memory grew by ${(now.rssAnon - baseline.rssAnon).toFixed(1)} MB (baseline ${baseline.rssAnon.toFixed(1)} MB)`);
});

test("4,000 joins of 50 KB on a session that never reads: bounded, then given back", async () => {
  await settle();
  const before = await rss();
  const session = newSessionHash();
  const data = ["x".repeat(50_000)];
  const statuses = new Map();
  let refusal;
  for (let sent = 0; sent < 4000; sent += 20) {
    const replies = await Promise.all(Array.from({ length: 20 }, () =>
      q.post("/gradio_api/queue/join", { data, fn_index: q.index("echo"), session_hash: session })));
    for (const r of replies) {
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      if (r.status === 503) refusal = r.text;
    }
  }
  const held = await rss();
  console.log(`joins: ${JSON.stringify(Object.fromEntries(statuses))}; held: RssAnon +${(held.rssAnon - before.rssAnon).toFixed(1)} MB`);
  // Refused past the default maxSessionEvents (1,000; 50 MB of results here, under the 64 MB of
  // maxSessionBytes), until the session, unread for UNREAD_SESSION_TIMEOUT_MS, is dropped and may
  // start over.
  assert.deepEqual([...statuses.keys()].sort(), [200, 503]);
  assert.match(refusal, /one session may hold/);
  if (!SANITIZER)
    assert.ok(held.rssAnon - before.rssAnon < 160, `held: +${(held.rssAnon - before.rssAnon).toFixed(1)} MB`);
  // The client is gone: after unreadSessionTimeout its session and the results it held go. (It
  // may have been dropped during the flood already, while refused joins left it quiet: one more
  // join makes sure there is a session, full or new, to be dropped now.)
  const dropped = () => app.output().split(`dropping session "${session}"`).length - 1;
  const drops = dropped();
  await q.post("/gradio_api/queue/join", { data: ["x"], fn_index: q.index("echo"), session_hash: session });
  await guard((async () => {
    while (dropped() === drops) await sleep(100);
  })(), "the unread session to be dropped");
  if (!SANITIZER) {
    await sleep(UNREAD_SESSION_TIMEOUT_MS); // the sweep after the drop gives the pages back
    const after = await rss();
    console.log(`given back: RssAnon +${(after.rssAnon - before.rssAnon).toFixed(1)} MB`);
    assert.ok(after.rssAnon - before.rssAnon < RSS_MARGIN_MB, `still held: +${(after.rssAnon - before.rssAnon).toFixed(1)} MB`);
  }
});

test("a client that stops reading holds its generator back, and is cut off", async () => {
  const cpu = async () => {
    const fields = (await readFile(`/proc/${app.process.pid}/stat`, "utf8")).split(") ")[1].split(" ");
    return Number(fields[11]) + Number(fields[12]); // clock ticks
  };
  const before = await rss();
  const session = newSessionHash();
  // Unthrottled, 50 million values would keep a worker busy for minutes and take gigabytes.
  await q.join("count_blocking", [50_000_000], session);
  const socket = net.connect(app.port, "127.0.0.1");
  await once(socket, "connect");
  socket.pause(); // never reads: the kernel buffers fill, then the server's
  socket.on("error", () => {});
  socket.write(`GET /gradio_api/queue/data?session_hash=${session} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);

  // Production stops: the server's CPU time stands still while the client does not read.
  await guard((async () => {
    let last = await cpu();
    for (let quiet = 0; quiet < 3;) {
      await sleep(200);
      const now = await cpu();
      quiet = now - last <= 1 ? quiet + 1 : 0;
      last = now;
    }
  })(), "the generator to be held back");
  const held = await rss();
  console.log(`held back: RssAnon +${(held.rssAnon - before.rssAnon).toFixed(1)} MB`);
  if (!SANITIZER)
    assert.ok(held.rssAnon - before.rssAnon < 64, `the backlog is bounded: +${(held.rssAnon - before.rssAnon).toFixed(1)} MB`);

  // After a while without reading it is cut off, which ends (cancels) its call.
  await guard((async () => {
    while (!app.output().includes(`cutting off session "${session}"`)) await sleep(100);
  })(), "the server to cut the client off");
  socket.destroy();
  const after = newSessionHash();
  const id = await q.join("echo", ["alive"], after);
  const messages = await q.openStream(after).end();
  assert.deepEqual(messages.find((m) => m.event_id === id && m.msg === "process_completed").output.data, ["alive"]);
});
