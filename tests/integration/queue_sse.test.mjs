// SPDX-License-Identifier: MIT
//
// The sse_v3 queue on the wire, read with fetch() and a strict frame reader (queue_support.mjs):
// framing, message order, edit lists, close_stream, cancellation, join-time errors, heartbeats —
// against the calculator example. Spec: gradio-protocol.md sections 4 and 5.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startCalculator } from "./harness.mjs";
import { QueueClient, guard, newSessionHash } from "./queue_support.mjs";

let server;
let q;

before(async () => {
  server = await startCalculator();
  q = await QueueClient.create(server.url);
});

after(async () => {
  await server?.stop();
});

const SUCCESS_OUTPUT_KEYS = ["data", "is_generating", "duration", "average_duration", "render_config",
  "changed_state_ids", "used_cache"];

/** The messages of one event, by kind, in arrival order. */
function kinds(messages) {
  return messages.map((m) => m.msg);
}

/** Checks the per-event order estimation+ -> process_starts -> (progress|log|process_generating)* -> process_completed. */
function assertEventOrder(messages, { generating } = {}) {
  const k = kinds(messages);
  const text = JSON.stringify(k);
  assert.ok(k.length >= 3, `at least estimation, process_starts, process_completed: ${text}`);
  assert.equal(k[0], "estimation", `the first message of an event is its estimation: ${text}`);
  const starts = k.indexOf("process_starts");
  assert.ok(starts > 0, `process_starts follows the estimations: ${text}`);
  assert.ok(k.slice(0, starts).every((m) => m === "estimation"), `only estimations before process_starts: ${text}`);
  assert.equal(k.filter((m) => m === "process_starts").length, 1, `one process_starts: ${text}`);
  assert.equal(k.at(-1), "process_completed", `process_completed is the last message of the event: ${text}`);
  assert.equal(k.filter((m) => m === "process_completed").length, 1, `one process_completed: ${text}`);
  const middle = k.slice(starts + 1, -1);
  assert.ok(middle.every((m) => ["progress", "log", "process_generating"].includes(m)),
    `only progress, log and process_generating between start and completion: ${text}`);
  if (generating !== undefined)
    assert.equal(middle.filter((m) => m === "process_generating").length, generating, `process_generating count: ${text}`);
}

function assertSuccessOutput(message, data) {
  assert.equal(message.success, true, JSON.stringify(message));
  assert.deepEqual(Object.keys(message.output), SUCCESS_OUTPUT_KEYS, JSON.stringify(message));
  assert.equal(message.output.render_config, null);
  assert.deepEqual(message.output.changed_state_ids, []);
  assert.ok(!("error" in message.output));
  if (data !== undefined) assert.deepEqual(message.output.data, data);
}

describe("a plain call", () => {
  let stream;
  let eventId;

  before(async () => {
    const session = newSessionHash();
    eventId = await q.join("add", [3, 5], session);
    stream = q.openStream(session);
    await stream.end();
  });

  test("the stream is text/event-stream with status 200", () => {
    assert.equal(stream.status, 200);
    assert.match(stream.contentType ?? "", /^text\/event-stream/);
  });

  test("estimation -> process_starts -> process_completed -> close_stream, then the response ends", () => {
    assert.deepEqual(kinds(stream.messages), ["estimation", "process_starts", "process_completed", "close_stream"]);
    assert.deepEqual(stream.messages.at(-1), { msg: "close_stream", event_id: null });
    for (const m of stream.messages.slice(0, -1)) assert.equal(m.event_id, eventId, JSON.stringify(m));
  });

  test("the messages have Gradio's fields", () => {
    const [estimation, starts, completed] = stream.messages;
    assert.deepEqual(Object.keys(estimation), ["msg", "event_id", "rank", "queue_size", "rank_eta"]);
    assert.equal(typeof estimation.rank, "number");
    assert.equal(typeof estimation.queue_size, "number");
    assert.deepEqual(Object.keys(starts), ["msg", "event_id", "eta"]);
    assert.deepEqual(Object.keys(completed),
      ["msg", "event_id", "output", "success", "title", "used_cache", "cache_duration", "avg_time"]);
    assertSuccessOutput(completed, [8]);
    assert.equal(completed.output.is_generating, false);
    assert.ok(!("progress_data" in completed), "no progress_data key outside progress messages");
  });
});

describe("a generator: generate('a b c')", () => {
  let messages;

  before(async () => {
    const session = newSessionHash();
    await q.join("generate", ["a b c"], session);
    const stream = q.openStream(session);
    messages = await stream.end();
  });

  test("k values give k process_generating, then process_completed, then close_stream", () => {
    assertEventOrder(messages.slice(0, -1), { generating: 3 });
    assert.equal(messages.at(-1).msg, "close_stream");
  });

  test("the first update carries full values, later ones edit lists", () => {
    const generating = messages.filter((m) => m.msg === "process_generating");
    for (const m of generating) {
      assertSuccessOutput(m);
      assert.equal(m.output.is_generating, true);
      assert.equal(m.time_limit, null);
    }
    assert.deepEqual(generating.map((m) => m.output.data), [
      ["a"],
      [[["replace", [], "b"]]],
      [[["replace", [], "c"]]],
    ]);
  });

  test("process_completed holds the last full value", () => {
    const completed = messages.find((m) => m.msg === "process_completed");
    assertSuccessOutput(completed, ["c"]);
    assert.equal(completed.output.is_generating, false);
  });
});

describe("errors and progress", () => {
  test("fail('x'): process_completed with success false and the user-visible error payload", async () => {
    const session = newSessionHash();
    const id = await q.join("fail", ["x"], session);
    const stream = q.openStream(session);
    const messages = await stream.end();
    assertEventOrder(stream.of(id), { generating: 0 });
    const completed = messages.find((m) => m.msg === "process_completed");
    assert.equal(completed.success, false);
    assert.deepEqual(completed.output, { error: "boom: x", duration: 10, visible: true, title: "Error" });
    assert.equal(completed.title, "Error");
    assert.equal(messages.at(-1).msg, "close_stream");
  });

  test("a wrongly typed argument fails the event with a message naming the parameter", async () => {
    const session = newSessionHash();
    await q.join("add", ["three", 5], session);
    const messages = await q.openStream(session).end();
    const completed = messages.find((m) => m.msg === "process_completed");
    assert.equal(completed.success, false);
    assert.equal(typeof completed.output.error, "string");
    assert.match(completed.output.error, /\ba\b/, JSON.stringify(completed));
    assert.equal(messages.at(-1).msg, "close_stream");
  });

  test("slow(0.2) reports progress between process_starts and process_completed", async () => {
    const session = newSessionHash();
    const id = await q.join("slow", [0.2], session);
    const stream = q.openStream(session);
    await stream.end();
    const own = stream.of(id);
    assertEventOrder(own, { generating: 0 });
    const progress = own.filter((m) => m.msg === "progress");
    assert.ok(progress.length >= 1, "at least one progress message");
    for (const p of progress) {
      assert.deepEqual(Object.keys(p), ["msg", "event_id", "progress_data"]);
      assert.equal(p.progress_data.length, 1);
      const [entry] = p.progress_data;
      assert.deepEqual(Object.keys(entry).sort(), ["desc", "index", "length", "progress", "unit"]);
      assert.equal(entry.length, 10);
      assert.equal(entry.unit, "steps");
      assert.ok(entry.index >= 0 && entry.index <= 10);
    }
    const indices = progress.map((p) => p.progress_data[0].index);
    assert.deepEqual(indices, [...indices].sort((a, b) => a - b), "progress only moves forward");
    assertSuccessOutput(own.at(-1), [0.2]);
  });
});

describe("one session, several events", () => {
  test("close_stream waits for every pending event of the session, and comes last", async () => {
    const session = newSessionHash();
    const slowId = await q.join("slow", [0.3], session);
    const stream = q.openStream(session);
    await stream.waitFor((m) => m.msg === "process_starts" && m.event_id === slowId, { what: "slow's process_starts" });
    // Joined while the stream is open and another event pending: the stream is reused.
    const addId = await q.join("add", [1, 2], session);
    const messages = await stream.end();
    const closes = messages.filter((m) => m.msg === "close_stream");
    assert.equal(closes.length, 1, "exactly one close_stream");
    assert.equal(messages.at(-1).msg, "close_stream", "close_stream is the last frame");
    assertEventOrder(stream.of(slowId));
    assertEventOrder(stream.of(addId));
    assertSuccessOutput(stream.of(addId).at(-1), [3]);
    assertSuccessOutput(stream.of(slowId).at(-1), [0.3]);
  });

  test("slow has concurrency_limit 1: the second call starts only after the first completed", async () => {
    const session = newSessionHash();
    const first = await q.join("slow", [0.2], session);
    const second = await q.join("slow", [0.2], session);
    const stream = q.openStream(session);
    const messages = await stream.end();
    const at = (id, msg) => messages.findIndex((m) => m.event_id === id && m.msg === msg);
    assert.ok(at(first, "process_completed") >= 0 && at(second, "process_starts") >= 0);
    assert.ok(at(second, "process_starts") > at(first, "process_completed"),
      `the second slow started before the first completed: ${JSON.stringify(kinds(messages))}`);
    const secondEstimation = stream.of(second)[0];
    assert.equal(secondEstimation.msg, "estimation");
    assert.equal(secondEstimation.rank, 0, "the second call waits first in line");
    assert.ok(secondEstimation.queue_size >= 1);
    // By the time the second starts, one run of slow has been measured: its eta is that mean.
    const starts = stream.of(second).find((m) => m.msg === "process_starts");
    assert.equal(typeof starts.eta, "number", JSON.stringify(starts));
    assert.ok(starts.eta > 0.1 && starts.eta < 10, `eta ${starts.eta} is a measured duration of slow(0.2)`);
  });

  test("hello is not held up by a running slow of another group", async () => {
    const session = newSessionHash();
    const slowId = await q.join("slow", [1], session);
    const stream = q.openStream(session);
    await stream.waitFor((m) => m.msg === "process_starts" && m.event_id === slowId, { what: "slow's process_starts" });
    const helloId = await q.join("hello", ["you"], session);
    const messages = await stream.end();
    const at = (id, msg) => messages.findIndex((m) => m.event_id === id && m.msg === msg);
    assert.ok(at(helloId, "process_completed") < at(slowId, "process_completed"),
      `hello waited for slow: ${JSON.stringify(kinds(messages))}`);
    assertSuccessOutput(stream.of(helloId).at(-1), ["Hello, you!"]);
  });
});

describe("cancellation", () => {
  test("a waiting event: process_completed with output {} and success true, never process_starts", async () => {
    const session = newSessionHash();
    const running = await q.join("slow", [0.5], session);
    const waiting = await q.join("slow", [0.5], session);
    const stream = q.openStream(session);
    await stream.waitFor((m) => m.msg === "process_starts" && m.event_id === running, { what: "the first slow's start" });
    assert.equal(await q.queueSize(), 1, "one event waits");
    await q.cancel("slow", waiting, session);
    assert.equal(await q.queueSize(), 0, "the cancelled event left the queue at once");
    const messages = await stream.end();
    const own = stream.of(waiting);
    assert.deepEqual(kinds(own), ["estimation", "process_completed"], JSON.stringify(own));
    assert.deepEqual(own[1], {
      msg: "process_completed", event_id: waiting, output: {}, success: true, title: null, used_cache: null,
      cache_duration: null, avg_time: null,
    });
    assertSuccessOutput(stream.of(running).at(-1), [0.5]);
    assert.equal(messages.at(-1).msg, "close_stream");
  });

  test("a running event: its completion comes at once and the worker is free for the next call", async () => {
    const session = newSessionHash();
    // Long enough that a worker kept busy would make the next call miss the wait guard.
    const running = await q.join("slow", [120], session);
    const stream = q.openStream(session);
    await stream.waitFor((m) => m.msg === "process_starts" && m.event_id === running, { what: "slow's start" });
    const next = await q.join("slow", [0.1], session);
    await q.cancel("slow", running, session);
    const messages = await stream.end();
    assert.deepEqual(stream.of(running).at(-1).output, {}, "the cancelled event completes with output {}");
    assertSuccessOutput(stream.of(next).at(-1), [0.1]);
    assert.equal(messages.filter((m) => m.msg === "close_stream").length, 1);
  });

  test("cancel and reset of unknown events answer success", async () => {
    const c = await q.post("/gradio_api/cancel", { session_hash: "nope", fn_index: 0, event_id: "0".repeat(32) });
    assert.equal(c.status, 200, c.text);
    assert.deepEqual(c.json, { success: true });
    const r = await q.post("/gradio_api/reset", { event_id: "x" });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { success: true });
  });

  test("cancel without its fields, and reset without event_id, are 422", async () => {
    assert.equal((await q.post("/gradio_api/cancel", { event_id: "x" })).status, 422);
    assert.equal((await q.post("/gradio_api/reset", {})).status, 422);
  });
});

describe("join-time failures", () => {
  test("no session_hash -> 400 with detail", async () => {
    const r = await q.post("/gradio_api/queue/join", { data: [1, 2], fn_index: q.index("add") });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json?.detail, "Session hash not found.");
  });

  test("no fn_index -> 400 with detail", async () => {
    const r = await q.post("/gradio_api/queue/join", { data: [1, 2], session_hash: newSessionHash() });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json?.detail, "No function index provided.");
  });

  test("data that is not a list -> 422 whose detail is a list of objects", async () => {
    const r = await q.post("/gradio_api/queue/join", { data: "1,2", fn_index: q.index("add"), session_hash: newSessionHash() });
    assert.equal(r.status, 422, r.text);
    assert.ok(Array.isArray(r.json?.detail) && r.json.detail.length > 0, r.text);
    for (const item of r.json.detail) assert.equal(typeof item, "object", r.text);
  });

  test("a body that is not JSON -> 422 whose detail is a list of objects", async () => {
    const r = await q.post("/gradio_api/queue/join", "{not json");
    assert.equal(r.status, 422, r.text);
    assert.ok(Array.isArray(r.json?.detail), r.text);
  });

  test("an unknown fn_index -> a 4xx JSON error, not a 500", async () => {
    const r = await q.post("/gradio_api/queue/join", { data: [], fn_index: 999, session_hash: newSessionHash() });
    assert.ok(r.status >= 400 && r.status < 500, `status ${r.status}: ${r.text}`);
    assert.equal(typeof r.json?.detail, "string", r.text);
  });

  test("a rejected join sends nothing: the session stays unknown", async () => {
    const session = newSessionHash();
    await q.post("/gradio_api/queue/join", { data: [], fn_index: 999, session_hash: session });
    const messages = await q.openStream(session).end();
    assert.equal(messages.length, 1);
    assert.equal(messages[0].msg, "unexpected_error");
  });
});

describe("sessions and status", () => {
  test("an unknown session gets one unexpected_error with session_not_found", async () => {
    const stream = q.openStream(newSessionHash());
    const messages = await guard(stream.done.then(() => stream.messages), "the unknown-session stream to end");
    assert.equal(stream.status, 200);
    assert.equal(messages.length, 1, JSON.stringify(messages));
    assert.deepEqual(messages[0], {
      msg: "unexpected_error", event_id: null, message: "404: Not Found", session_not_found: true, success: false,
    });
  });

  test("queue/data without session_hash is refused", async () => {
    const r = await fetch(new URL("/gradio_api/queue/data", server.url));
    await r.text();
    assert.ok(r.status >= 400 && r.status < 500, `status ${r.status}`);
  });

  test("queue/status reports the waiting events", async () => {
    const r = await fetch(new URL("/gradio_api/queue/status", server.url));
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { msg: "estimation", event_id: null, rank: null, queue_size: 0, rank_eta: null });
  });

  test("/gradio_api/heartbeat/<session> answers at once with data: ALIVE and stays open", async () => {
    const controller = new AbortController();
    const response = await fetch(new URL(`/gradio_api/heartbeat/${newSessionHash()}`, server.url),
      { signal: controller.signal });
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^text\/event-stream/);
    const reader = response.body.getReader();
    let text = "";
    while (!text.includes("\n\n")) {
      const { value, done } = await guard(reader.read(), "the first heartbeat frame");
      assert.ok(!done, "the heartbeat stream must stay open");
      text += new TextDecoder().decode(value);
    }
    assert.ok(text.startsWith("data: ALIVE\n\n"), JSON.stringify(text));
    controller.abort();
  });
});

describe("the /call flavour", () => {
  async function call(name, data) {
    const r = await q.post(`/gradio_api/call/${name}`, { data });
    assert.equal(r.status, 200, r.text);
    return r.json.event_id;
  }
  async function get(name, id) {
    const response = await guard(fetch(new URL(`/gradio_api/call/${name}/${id}`, server.url)), `GET /call/${name}/${id}`);
    return { status: response.status, text: await guard(response.text(), `the body of /call/${name}/${id}`) };
  }

  test("a generator streams full values, never edit lists", async () => {
    const id = await call("generate", ["a b c"]);
    const { status, text } = await get("generate", id);
    assert.equal(status, 200);
    assert.equal(text, 'event: generating\ndata: ["a"]\n\nevent: generating\ndata: ["b"]\n\n' +
      'event: generating\ndata: ["c"]\n\nevent: complete\ndata: ["c"]\n\n');
  });

  test("an event collected while it ran is not served twice: 404, not a stream that never ends", async () => {
    const id = await call("slow", [0.2]);
    const first = await get("slow", id); // attached before the call completes
    assert.equal(first.text, "event: complete\ndata: [0.2]\n\n");
    const second = await get("slow", id);
    assert.equal(second.status, 404, second.text);
  });
});
