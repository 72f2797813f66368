// SPDX-License-Identifier: MIT
//
// Graceful drain through the launcher and the real @gradio/client: on SIGTERM, calls already
// accepted (running and waiting) all get their results, new ones are refused, the readiness
// probe turns 503 while liveness stays 200, and the app exits 0; a second SIGTERM ends it at once
// with 1, its pending call getting an error instead of hanging; the --drain-timeout deadline
// cancels what still runs and tells its client.

import assert from "node:assert/strict";
import { once } from "node:events";
import { test } from "node:test";
import { Client } from "@gradio/client";
import { startCalculator } from "./harness.mjs";
import { guard } from "./queue_support.mjs";

const EVENTS = { events: ["data", "status"] };

function startDrainApp(args = []) {
  assert.ok(process.env.QRADIO_DRAIN_APP, "QRADIO_DRAIN_APP must name the drain test app");
  return startCalculator({ binary: process.env.QRADIO_DRAIN_APP, args });
}

/** The exit code of the app's process (it must end by itself, not by a signal). */
async function exitCode(server, what) {
  const child = server.process;
  if (child.exitCode === null && child.signalCode === null)
    await guard(once(child, "exit"), what, () => `\n${server.output()}`);
  assert.equal(child.signalCode, null, `the app must end by itself\n${server.output()}`);
  return child.exitCode;
}

/** Submits a call; resolves to its data events and final status once its iterator ends. */
function track(client, endpoint, args) {
  const job = client.submit(endpoint, args);
  const seen = { data: [], statuses: [], started: null };
  let markStarted;
  seen.started = new Promise((resolve) => { markStarted = resolve; });
  seen.done = (async () => {
    for await (const event of job) {
      if (event.type === "data") seen.data.push(event.data);
      if (event.type === "status") {
        seen.statuses.push(event);
        if (event.original_msg === "process_starts") markStarted();
        if (event.stage === "complete" || event.stage === "error") break;
      }
    }
    return seen;
  })();
  return seen;
}

/** What the output has once `pattern` shows up in it. */
async function waitForOutput(server, pattern) {
  await guard((async () => {
    while (!pattern.test(server.output())) await new Promise((r) => setTimeout(r, 20));
  })(), `${pattern} in the app's output`, () => `\n${server.output()}`);
}

test("SIGTERM lets accepted calls finish, refuses new ones, and exits 0", async () => {
  const server = await startDrainApp();
  const client = await Client.connect(server.url, EVENTS);
  try {
    // hold has one worker: the first call runs, the next two wait; count streams on its own.
    const calls = [track(client, "/hold", [0.6]), track(client, "/hold", [0.4]), track(client, "/hold", [0.2]),
                   track(client, "/count", [3, 150])];
    await guard(Promise.all([calls[0].started, calls[3].started]), "the first calls to start");
    assert.equal((await fetch(`${server.url}/gradio_api/ready`)).status, 200);

    server.process.kill("SIGTERM");
    await waitForOutput(server, /Draining: 4 calls in flight; stopping within 30 s \(signal again to stop now\)\./);

    // Not ready any more, still alive; a new session is refused the way Gradio refuses it.
    const ready = await fetch(`${server.url}/gradio_api/ready`);
    assert.equal(ready.status, 503);
    assert.deepEqual(await ready.json(), { status: "draining" });
    const health = await fetch(`${server.url}/gradio_api/health`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: "ok" });
    const join = await fetch(`${server.url}/gradio_api/queue/join`, {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ data: [0], fn_index: 0, session_hash: "latecomer" }),
    });
    assert.equal(join.status, 503);
    assert.deepEqual(await join.json(), { detail: "Queue is stopped." });
    const late = await Client.connect(server.url, EVENTS);
    await assert.rejects(guard(late.predict("/hold", [0]), "the refused predict"), (error) => {
      assert.match(JSON.stringify(error?.message ?? error), /busy|stopped/i);
      return true;
    });
    late.close();

    const results = await guard(Promise.all(calls.map((c) => c.done)), "every accepted call");
    assert.deepEqual(results.slice(0, 3).map((r) => r.data.at(-1)), [[0.6], [0.4], [0.2]]);
    // Each value as it was generated, then the last one again with the completion.
    assert.deepEqual(results[3].data, [[1], [2], [3], [3]]);
    for (const r of results) assert.equal(r.statuses.at(-1).stage, "complete", JSON.stringify(r.statuses.at(-1)));
    assert.equal(await exitCode(server, "the exit after the drain"), 0);
    assert.match(server.output(), /Drained: every accepted call has finished; exiting\./);
  } finally {
    client.close();
    if (server.process.exitCode === null) server.process.kill("SIGKILL");
  }
});

test("a second SIGTERM during the drain stops at once with exit code 1", async () => {
  const server = await startDrainApp(["--drain-timeout", "120"]);
  const client = await Client.connect(server.url, EVENTS);
  try {
    const call = track(client, "/hold", [120]);
    await guard(call.started, "the long call to start");
    server.process.kill("SIGTERM");
    await waitForOutput(server, /Draining: 1 call in flight; stopping within 120 s/);
    server.process.kill("SIGTERM");
    assert.equal(await exitCode(server, "the exit after the second signal"), 1);
    // The client is told, not left hanging.
    const result = await guard(call.done, "the pending call's end");
    assert.equal(result.statuses.at(-1).stage, "error", JSON.stringify(result.statuses.at(-1)));
    assert.deepEqual(result.data, []);
  } finally {
    client.close();
    if (server.process.exitCode === null) server.process.kill("SIGKILL");
  }
});

test("at the drain deadline what still runs is cancelled and its client told", async () => {
  const server = await startDrainApp(["--drain-timeout", "0.5"]);
  const client = await Client.connect(server.url, EVENTS);
  try {
    const call = track(client, "/hold", [120]);
    await guard(call.started, "the long call to start");
    server.process.kill("SIGTERM");
    assert.equal(await exitCode(server, "the exit at the deadline"), 0);
    const result = await guard(call.done, "the cancelled call's end");
    const last = result.statuses.at(-1);
    assert.equal(last.stage, "error", JSON.stringify(last));
    assert.match(JSON.stringify(last), /Server stopped unexpectedly/);
  } finally {
    client.close();
    if (server.process.exitCode === null) server.process.kill("SIGKILL");
  }
});

test("a bad --drain-timeout is a command-line error", async () => {
  await assert.rejects(startDrainApp(["--drain-timeout", "soon"]), (error) => {
    assert.match(error.message, /Invalid --drain-timeout 'soon'/);
    assert.match(error.message, /code 1/);
    return true;
  });
});
