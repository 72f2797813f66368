// SPDX-License-Identifier: MIT
//
// The queue through the real @gradio/client (pinned npm package) against the calculator:
// predict and submit on every endpoint, streaming order, the error text, concurrency limits,
// cancellation and progress, as a user of the client sees them.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Client } from "@gradio/client";
import { startCalculator } from "./harness.mjs";
import { guard } from "./queue_support.mjs";

const EVENTS = { events: ["data", "status", "log"] };

let server;
let client;
const clients = [];

async function connect() {
  const c = await Client.connect(server.url, EVENTS);
  clients.push(c);
  return c;
}

before(async () => {
  server = await startCalculator();
  client = await connect();
});

after(async () => {
  for (const c of clients) c.close();
  await server?.stop();
});

/** Every event of a submitted job, until its iterator ends; `onEvent` sees each as it comes. */
async function collect(job, what, onEvent = () => {}) {
  const events = [];
  await guard((async () => {
    for await (const event of job) {
      events.push(event);
      await onEvent(event, events);
    }
  })(), `the end of ${what}`, () => `\nevents so far: ${JSON.stringify(summary(events))}`);
  return events;
}

function summary(events) {
  return events.map((e) => (e.type === "data" ? ["data", e.data] : [e.type, e.stage, e.original_msg ?? e.message ?? ""]));
}

const stages = (events) => events.filter((e) => e.type === "status").map((e) => e.stage);
const dataOf = (events) => events.filter((e) => e.type === "data").map((e) => e.data);
const isStart = (e) => e.type === "status" && e.original_msg === "process_starts";

/**
 * Records every queue message the client receives, in the order its stream delivers them (the
 * iterators of several jobs cannot tell which of their events came first).
 */
function tapStream(c) {
  const log = [];
  const open = c.stream;
  c.stream = (url) => {
    const instance = open(url);
    let handler = null;
    Object.defineProperty(instance, "onmessage", {
      configurable: true,
      get: () => handler && ((event) => {
        log.push(JSON.parse(event.data));
        return handler(event);
      }),
      set: (h) => { handler = h; },
    });
    return instance;
  };
  return log;
}

/** Stages must run pending+ -> generating* -> complete|error, never backwards. */
function assertStageOrder(events, last) {
  const s = stages(events);
  const text = JSON.stringify(summary(events));
  assert.equal(s[0], "pending", `the first status is pending: ${text}`);
  assert.equal(s.at(-1), last, `the last status is ${last}: ${text}`);
  const rank = { pending: 0, generating: 1, complete: 2, error: 2 };
  for (let i = 1; i < s.length; ++i) assert.ok(rank[s[i]] >= rank[s[i - 1]], `status ${s[i]} after ${s[i - 1]}: ${text}`);
  assert.equal(s.filter((x) => x === last).length, 1, `one final status: ${text}`);
}

describe("predict on every endpoint", () => {
  const cases = [
    ["/add", { a: 3, b: 5 }, [8]],
    ["/multiply", { a: 4, b: 5 }, [20]],
    ["/hello", { name: "World" }, ["Hello, World!"]],
    ["/generate", { prompt: "a b c" }, ["c"]],
    ["/slow", { seconds: 0.1 }, [0.1]],
  ];
  for (const [endpoint, args, expected] of cases) {
    test(`${endpoint} ${JSON.stringify(args)} -> ${JSON.stringify(expected)}`, async () => {
      const result = await guard(client.predict(endpoint, args), `predict ${endpoint}`);
      assert.deepEqual(result.data, expected);
    });
  }

  test("/fail rejects with the user-visible message", async () => {
    await assert.rejects(guard(client.predict("/fail", { x: "x" }), "predict /fail"), (error) => {
      assert.equal(error.message, "boom: x");
      return true;
    });
  });

  test("the client still works after the failure", async () => {
    assert.deepEqual((await client.predict("/add", [1, 1])).data, [2]);
  });
});

describe("submit on every endpoint", () => {
  for (const [endpoint, args, expected] of [
    ["/add", [3, 5], [8]],
    ["/multiply", [6, 7], [42]],
    ["/hello", ["Qradio"], ["Hello, Qradio!"]],
    ["/slow", [0.1], [0.1]],
  ]) {
    test(`${endpoint}: pending -> complete with one data event`, async () => {
      const events = await collect(client.submit(endpoint, args), endpoint);
      assertStageOrder(events, "complete");
      assert.deepEqual(dataOf(events), [expected]);
      assert.ok(events.some(isStart), `a process_starts status: ${JSON.stringify(summary(events))}`);
      const completeAt = events.findIndex((e) => e.type === "status" && e.stage === "complete");
      assert.equal(events[completeAt - 1].type, "data", "the result comes right before complete");
    });
  }

  test("/generate('a b c') streams a, b, c, then completes with c", async () => {
    const events = await collect(client.submit("/generate", ["a b c"]), "/generate");
    assertStageOrder(events, "complete");
    assert.deepEqual(stages(events).filter((s) => s === "generating").length, 3);
    const afterGenerating = [];
    events.forEach((e, i) => {
      if (e.type === "data" && events[i - 1]?.stage === "generating") afterGenerating.push(e.data);
    });
    assert.deepEqual(afterGenerating, [["a"], ["b"], ["c"]], JSON.stringify(summary(events)));
    assert.deepEqual(dataOf(events).at(-1), ["c"], "the completion carries the final value");
    const firstGenerating = stages(events).indexOf("generating");
    assert.ok(stages(events).slice(0, firstGenerating).every((s) => s === "pending"));
  });

  test("/fail('x') ends with an error status carrying 'boom: x' and no data", async () => {
    const events = await collect(client.submit("/fail", ["x"]), "/fail");
    assertStageOrder(events, "error");
    assert.deepEqual(dataOf(events), []);
    const error = events.find((e) => e.stage === "error");
    assert.equal(error.message, "boom: x");
    assert.equal(error.title, "Error");
  });

  test("/slow reports progress as status events with progress_data", async () => {
    const events = await collect(client.submit("/slow", [0.2]), "/slow");
    const progress = events.filter((e) => e.type === "status" && Array.isArray(e.progress_data));
    assert.ok(progress.length >= 1, JSON.stringify(summary(events)));
    for (const p of progress) {
      assert.equal(p.stage, "pending");
      assert.equal(p.progress_data[0].length, 10);
      assert.equal(p.progress_data[0].unit, "steps");
      assert.equal(p.progress_data[0].desc, "sleeping");
    }
    const indices = progress.map((p) => p.progress_data[0].index);
    assert.deepEqual(indices, [...indices].sort((a, b) => a - b), "progress moves forward");
    const startAt = events.findIndex(isStart);
    const firstProgress = events.indexOf(progress[0]);
    assert.ok(startAt >= 0 && startAt < firstProgress, "progress comes after process_starts");
    assert.deepEqual(dataOf(events), [[0.2]]);
  });
});

describe("concurrency", () => {
  test("two slow(0.5) are serialised, and hello is not held up by them", async () => {
    const c = await connect();
    const log = tapStream(c);
    const slows = [c.submit("/slow", [0.5]), c.submit("/slow", [0.5])];
    let hello = null;
    let helloEvents = null;
    const onEvent = (event) => {
      if (isStart(event) && !hello) {
        hello = c.submit("/hello", ["during"]);
        helloEvents = collect(hello, "/hello");
      }
    };
    const results = await Promise.all(slows.map((job, i) => collect(job, `slow #${i}`, onEvent)));
    for (const events of results) {
      assertStageOrder(events, "complete");
      assert.deepEqual(dataOf(events), [[0.5]]);
      assert.equal(events.filter(isStart).length, 1);
    }
    assert.ok(hello, "a slow call started");
    assert.deepEqual(dataOf(await helloEvents), [["Hello, during!"]]);

    const ids = slows.map((job) => job.event_id());
    const at = (id, msg) => log.findIndex((m) => m.event_id === id && m.msg === msg);
    const [first, second] = at(ids[0], "process_starts") < at(ids[1], "process_starts") ? ids : [ids[1], ids[0]];
    const order = JSON.stringify(log.map((m) => [m.msg, m.event_id?.slice(0, 6)]));
    assert.ok(at(second, "process_starts") > at(first, "process_completed"),
      `the second slow must start only after the first completed: ${order}`);
    assert.ok(at(hello.event_id(), "process_completed") >= 0);
    assert.ok(at(hello.event_id(), "process_completed") < at(first, "process_completed"),
      `hello must complete while the first slow still runs: ${order}`);
  });
});

describe("cancellation", () => {
  test("cancelling a waiting slow: no result, and the server drops it from the queue", async () => {
    const runner = await connect();
    const canceller = await connect();
    const running = runner.submit("/slow", [0.5]);
    let started;
    const startedOnce = new Promise((resolve) => { started = resolve; });
    const runningEvents = collect(running, "the running slow", (e) => { if (isStart(e)) started(); });
    await guard(startedOnce, "the first slow to start");

    const waiting = canceller.submit("/slow", [0.5]);
    let cancelled = false;
    const events = await collect(waiting, "the cancelled slow", async (e) => {
      if (!cancelled && e.type === "status" && e.position === 0 && !isStart(e)) {
        cancelled = true; // its estimation: it waits behind the running one
        await waiting.cancel();
        const status = await (await fetch(new URL("/gradio_api/queue/status", server.url))).json();
        assert.equal(status.queue_size, 0, "the cancelled call left the queue at once");
      }
    });
    assert.ok(cancelled, `the waiting call was cancelled: ${JSON.stringify(summary(events))}`);
    assert.deepEqual(dataOf(events), [], "a cancelled call yields no result");
    assert.ok(!events.some(isStart), "a cancelled waiting call never starts");
    assert.ok(!stages(events).includes("complete"));
    assert.deepEqual(dataOf(await runningEvents), [[0.5]], "the running call is unaffected");
  });

  test("cancelling a running slow frees its worker: later calls still work", async () => {
    const c = await connect();
    // Long enough that a worker kept busy would make the next call miss the wait guard.
    const job = c.submit("/slow", [120]);
    let cancelled = false;
    const events = await collect(job, "the cancelled slow", async (e) => {
      if (!cancelled && isStart(e)) {
        cancelled = true;
        await job.cancel();
      }
    });
    assert.ok(cancelled);
    assert.deepEqual(dataOf(events), []);
    const next = await guard(c.predict("/slow", [0.1]), "a slow call after the cancelled one");
    assert.deepEqual(next.data, [0.1]);
    assert.deepEqual((await c.predict("/add", [2, 2])).data, [4]);
  });
});
