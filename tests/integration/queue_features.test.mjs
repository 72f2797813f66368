// SPDX-License-Identifier: MIT
//
// Queue features the calculator does not exercise, against the queue test app
// (tests/stress/queue_testapp.cpp): max queue size, heartbeats, time limits, shared concurrency
// ids, batching, long generators, and what closing a session's stream does to its events.
// Endpoints that "hold" keep their worker until cancelled, so the tests order events by
// cancelling, never by sleeping.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { QueueClient, newSessionHash, startQueueApp } from "./queue_support.mjs";

// The max queue size the app runs with, and a hold long enough that only a cancel ends it.
const MAX_QUEUE = 2;
const FOREVER = 600;

let app;
let q;

before(async () => {
  app = await startQueueApp({ env: { GRADIO_HEARTBEAT_INTERVAL: "0.2" } });
  q = await QueueClient.create(app.url);
});

after(async () => {
  await app?.stop();
});

function indexOf(messages, eventId, msg) {
  return messages.findIndex((m) => m.event_id === eventId && m.msg === msg);
}

describe("max queue size", () => {
  // An app of its own: the limit would get in the way of the other tests.
  let limited;
  let q;

  before(async () => {
    limited = await startQueueApp({ args: ["--max-queue-size", String(MAX_QUEUE)] });
    q = await QueueClient.create(limited.url);
  });

  after(async () => {
    await limited?.stop();
  });

  test("a join beyond the waiting limit gets 503 with a detail, and the queue recovers", async () => {
    const session = newSessionHash();
    const running = await q.join("hold", [FOREVER], session);
    const stream = q.openStream(session);
    await stream.waitFor((m) => m.msg === "process_starts" && m.event_id === running, { what: "the first hold to start" });
    const waiting = [];
    for (let i = 0; i < MAX_QUEUE; ++i) waiting.push(await q.join("hold", [FOREVER], session));
    assert.equal(await q.queueSize(), MAX_QUEUE);

    const refused = await q.post("/gradio_api/queue/join", { data: [1], fn_index: q.index("hold"), session_hash: session });
    assert.equal(refused.status, 503, refused.text);
    assert.equal(refused.json?.detail, `Queue is full. Max size is ${MAX_QUEUE} and size is ${MAX_QUEUE}.`);
    // Waiting counts across groups: another endpoint is refused too.
    const other = await q.post("/gradio_api/queue/join", { data: ["x"], fn_index: q.index("echo"), session_hash: session });
    assert.equal(other.status, 503, other.text);

    for (const id of waiting) await q.cancel("hold", id, session);
    assert.equal(await q.queueSize(), 0);
    const accepted = await q.join("echo", ["again"], session);
    await stream.waitFor((m) => m.msg === "process_completed" && m.event_id === accepted, { what: "echo to complete" });
    await q.cancel("hold", running, session);
    const messages = await stream.end();
    assert.equal(messages.at(-1).msg, "close_stream");
    assert.deepEqual(stream.of(accepted).at(-1).output.data, ["again"]);
  });
});

describe("heartbeats (GRADIO_HEARTBEAT_INTERVAL=0.2)", () => {
  test("/queue/data carries heartbeat frames while an event is pending", async () => {
    const session = newSessionHash();
    const id = await q.join("hold", [FOREVER], session);
    const stream = q.openStream(session);
    const beat = await stream.waitFor((m) => m.msg === "heartbeat", { what: "a heartbeat frame" });
    assert.deepEqual(beat, { msg: "heartbeat", event_id: null });
    await q.cancel("hold", id, session);
    const messages = await stream.end();
    assert.equal(messages.at(-1).msg, "close_stream");
  });

  test("/heartbeat/<session> repeats data: ALIVE", async () => {
    const controller = new AbortController();
    const response = await fetch(new URL(`/gradio_api/heartbeat/${newSessionHash()}`, app.url), { signal: controller.signal });
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let text = "";
    while (text.split("data: ALIVE\n\n").length - 1 < 2) {
      const { value, done } = await reader.read();
      assert.ok(!done, "the heartbeat stream stays open");
      text += decoder.decode(value, { stream: true });
    }
    assert.match(text, /^(data: ALIVE\n\n)+$/);
    controller.abort();
  });
});

describe("time_limit", () => {
  test("a call past its time limit is stopped and the client is told why", async () => {
    const session = newSessionHash();
    const id = await q.join("limited", [FOREVER], session);
    const stream = q.openStream(session);
    const messages = await stream.end();
    const completed = stream.of(id).at(-1);
    assert.equal(completed.msg, "process_completed");
    assert.equal(completed.success, false);
    assert.equal(typeof completed.output.error, "string");
    assert.match(completed.output.error, /time limit/i);
    assert.ok(indexOf(messages, id, "process_starts") >= 0);
    assert.equal(messages.at(-1).msg, "close_stream");
    // The worker came back: the endpoint (unlimited concurrency) still answers, and the
    // stopped call's late return changes nothing on a new stream.
    const again = await q.join("limited", [0], session);
    const second = q.openStream(session);
    await second.end();
    assert.deepEqual(second.of(again).at(-1).output.data, [0]);
    assert.deepEqual(second.messages.filter((m) => m.event_id === id), []);
  });
});

describe("concurrency_id", () => {
  test("two endpoints sharing an id share its lowest limit: right waits for left", async () => {
    const session = newSessionHash();
    const left = await q.join("left", [FOREVER], session);
    const stream = q.openStream(session);
    await stream.waitFor((m) => m.msg === "process_starts" && m.event_id === left, { what: "left to start" });
    // left's limit is 2 and right's 1; shared, the group runs one call at a time.
    const right = await q.join("right", [0], session);
    const estimation = await stream.waitFor((m) => m.event_id === right, { what: "right's first message" });
    assert.equal(estimation.msg, "estimation");
    assert.equal(estimation.rank, 0);
    assert.equal(await q.queueSize(), 1, "right waits");
    await q.cancel("left", left, session);
    const messages = await stream.end();
    assert.ok(indexOf(messages, right, "process_starts") > indexOf(messages, left, "process_completed"),
      `right started while left ran: ${JSON.stringify(messages.map((m) => m.msg))}`);
    assert.deepEqual(stream.of(right).at(-1).output.data, [0]);
  });

  test("a second left also waits (the group limit is 1, not left's 2)", async () => {
    const session = newSessionHash();
    const first = await q.join("left", [FOREVER], session);
    const second = await q.join("left", [0], session);
    const stream = q.openStream(session);
    await stream.waitFor((m) => m.msg === "process_starts" && m.event_id === first, { what: "the first left" });
    assert.equal(await q.queueSize(), 1);
    await q.cancel("left", first, session);
    const messages = await stream.end();
    assert.ok(indexOf(messages, second, "process_starts") > indexOf(messages, first, "process_completed"));
  });
});

describe("batch", () => {
  test("calls waiting together run in one invocation, and each gets its own result", async () => {
    const session = newSessionHash();
    const gate = await q.join("gate", [FOREVER], session);
    const stream = q.openStream(session);
    await stream.waitFor((m) => m.msg === "process_starts" && m.event_id === gate, { what: "the gate to start" });
    const texts = ["a", "b", "c"];
    const ids = [];
    for (const t of texts) ids.push(await q.join("batched", [t], session));
    assert.equal(await q.queueSize(), 3);
    await q.cancel("gate", gate, session);
    await stream.end();
    ids.forEach((id, i) => {
      const own = stream.of(id);
      assert.deepEqual(own.map((m) => m.msg).filter((m) => m !== "estimation"), ["process_starts", "process_completed"]);
      assert.equal(own.at(-1).success, true);
      assert.deepEqual(own.at(-1).output.data, [`${texts[i]}:3`], "one invocation with a batch of three");
    });
  });

  test("a lone call runs as a batch of one", async () => {
    const session = newSessionHash();
    const id = await q.join("batched", ["z"], session);
    await q.openStream(session).end().then((messages) => {
      assert.deepEqual(messages.find((m) => m.event_id === id && m.msg === "process_completed").output.data, ["z:1"]);
    });
  });
});

describe("generators", () => {
  for (const name of ["count", "count_blocking"]) {
    test(`${name}(1000): 1000 process_generating with replace edits, then the last value`, async () => {
      const session = newSessionHash();
      const id = await q.join(name, [1000], session);
      const messages = await q.openStream(session).end();
      const generating = messages.filter((m) => m.msg === "process_generating" && m.event_id === id);
      assert.equal(generating.length, 1000);
      assert.deepEqual(generating[0].output.data, [0]);
      generating.slice(1).forEach((m, i) => assert.deepEqual(m.output.data, [[["replace", [], i + 1]]]));
      const completed = messages.find((m) => m.msg === "process_completed");
      assert.deepEqual(completed.output.data, [999]);
      assert.equal(messages.at(-1).msg, "close_stream");
    });
  }

  test("a second stream for a session takes over its events; the first ends with close_stream", async () => {
    const session = newSessionHash();
    const id = await q.join("hold", [0.5], session);
    const first = q.openStream(session);
    await first.waitFor((m) => m.msg === "process_starts" && m.event_id === id, { what: "process_starts" });
    const second = q.openStream(session);
    const ended = await first.end();
    assert.deepEqual(ended.at(-1), { msg: "close_stream", event_id: null });
    const messages = await second.end();
    assert.equal(messages.find((m) => m.event_id === id && m.msg === "process_completed")?.success, true);
    assert.equal(messages.at(-1).msg, "close_stream");
  });

  // /run answers a generator's last value: 100,000 values that never suspend must not nest the
  // generator and its consumer on the stack (a stack overflow in ASan builds, where the calls are
  // no tail calls).
  test("/run/count(100000) answers the last value", async () => {
    const response = await fetch(`${app.url}/gradio_api/run/count`, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ data: [100000] }) });
    assert.equal(response.status, 200);
    assert.deepEqual((await response.json()).data, [99999]);
  });

  // 100,000 frames are about 25 MB: more than a socket buffer holds, so the stream must follow
  // the client's pace instead of piling everything up (or cutting the client off as too slow).
  for (const name of ["count", "count_blocking"]) {
    test(`${name}(100000): a reading client gets every value, however fast they come`, async () => {
      const session = newSessionHash();
      const id = await q.join(name, [100000], session);
      const stream = q.openStream(session);
      const messages = await stream.end();
      let generating = 0;
      for (const m of messages) if (m.msg === "process_generating" && m.event_id === id) ++generating;
      assert.equal(generating, 100000);
      assert.deepEqual(messages.at(-2).output.data, [99999]);
      assert.equal(messages.at(-1).msg, "close_stream");
    });
  }

  test("a generator that yields nothing completes with null", async () => {
    const session = newSessionHash();
    await q.join("count", [0], session);
    const messages = await q.openStream(session).end();
    assert.deepEqual(messages.map((m) => m.msg), ["estimation", "process_starts", "process_completed", "close_stream"]);
    assert.deepEqual(messages[2].output.data, [null]);
  });

  test("cancelling a running generator stops it at its next value", async () => {
    const session = newSessionHash();
    const id = await q.join("tick", [100000, 5], session);
    const stream = q.openStream(session);
    await stream.waitFor((m) => m.msg === "process_generating" && m.event_id === id, { what: "the first tick" });
    await q.cancel("tick", id, session);
    const messages = await stream.end();
    const own = stream.of(id);
    assert.deepEqual(own.at(-1).output, {});
    const completedAt = messages.findIndex((m) => m.event_id === id && m.msg === "process_completed");
    assert.ok(messages.slice(completedAt + 1).every((m) => m.event_id !== id), "nothing after the completion");
  });
});

describe("closing a session's stream", () => {
  test("drops the session's waiting events and stops its running ones", async () => {
    const session = newSessionHash();
    const running = await q.join("hold", [FOREVER], session);
    const stream = q.openStream(session);
    await stream.waitFor((m) => m.msg === "process_starts" && m.event_id === running, { what: "the hold to start" });
    await q.join("hold", [FOREVER], session);
    assert.equal(await q.queueSize(), 1);
    stream.close();
    await stream.done;
    // Another session's call of the same endpoint (limit 1) can only run once the dropped call
    // freed the worker.
    const other = newSessionHash();
    const next = await q.join("hold", [0], other);
    const messages = await q.openStream(other).end();
    assert.equal(await q.queueSize(), 0);
    assert.deepEqual(messages.find((m) => m.event_id === next && m.msg === "process_completed").output.data, [0]);
  });
});

describe("the context an endpoint takes", () => {
  test("info and warning become log messages between process_starts and process_completed", async () => {
    const session = newSessionHash();
    const id = await q.join("chatty", ["hi"], session);
    await q.openStream(session).end().then((messages) => {
      const own = messages.filter((m) => m.event_id === id).map((m) => m.msg);
      assert.deepEqual(own.filter((m) => m !== "estimation"), ["process_starts", "log", "log", "process_completed"]);
      const logs = messages.filter((m) => m.msg === "log");
      assert.deepEqual(logs[0], { msg: "log", event_id: id, log: "info: hi", level: "info", duration: 10, visible: true,
        title: "Info" });
      assert.equal(logs[1].level, "warning");
      assert.equal(logs[1].title, "Warning");
      assert.equal(logs[1].log, "warning: hi");
    });
  });

  test("request headers and the session hash of the join reach the endpoint", async () => {
    const session = newSessionHash();
    const r = await fetch(new URL("/gradio_api/queue/join", app.url), {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": "k-123" },
      body: JSON.stringify({ data: [], fn_index: q.index("whoami"), session_hash: session }),
    });
    const { event_id: id } = await r.json();
    const messages = await q.openStream(session).end();
    assert.deepEqual(messages.find((m) => m.event_id === id && m.msg === "process_completed").output.data,
      [`k-123 ${session}`]);
  });

  test("a user-visible error keeps its title and duration", async () => {
    const session = newSessionHash();
    await q.join("refuse", ["no way"], session);
    const completed = (await q.openStream(session).end()).find((m) => m.msg === "process_completed");
    assert.equal(completed.success, false);
    assert.deepEqual(completed.output, { error: "no way", duration: 5, visible: true, title: "Refused" });
    assert.equal(completed.title, "Refused");
  });

  test("an internal exception's text stays hidden: {error: null}", async () => {
    const session = newSessionHash();
    await q.join("crash", [], session);
    const completed = (await q.openStream(session).end()).find((m) => m.msg === "process_completed");
    assert.equal(completed.success, false);
    assert.deepEqual(completed.output, { error: null });
    assert.equal(completed.title, "Error");
  });
});
