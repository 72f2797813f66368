// SPDX-License-Identifier: MIT
//
// One client machine for replicas.test.mjs: the real @gradio/client, every request sent from the
// source address $REPLICA_SOURCE (an address of 127.0.0.0/8), so that the proxy in front sees
// several clients. Node's fetch cannot pick a source address, so this process replaces the global
// fetch with undici's (the same implementation, pinned in package.json) bound to that address.
//
//   REPLICA_SOURCE=127.0.0.3 node replica_client.mjs <url> <plan as JSON>
//
// The plan is a list of sessions; each is a list of calls run one after another on one Client
// (one session_hash), and the sessions run at once:
//   [[{"api": "/add", "args": {"a": 1, "b": 2}}, {"api": "/slow", "args": {"seconds": 0.5}}], ...]
// A session may start later: {"delayMs": 500, "calls": [...]}.
// One JSON line per finished call goes to stdout:
//   {"session": "<session_hash>", "api": "/add", "ok": true, "data": [3], "startedMs": ..., "endedMs": ...}

import { Client } from "@gradio/client";
import { Agent, fetch as undiciFetch } from "undici";

const [url, planText] = process.argv.slice(2);
const source = process.env.REPLICA_SOURCE;
if (!url || !planText || !source) {
  console.error("usage: REPLICA_SOURCE=127.0.0.x node replica_client.mjs <url> <plan JSON>");
  process.exit(2);
}

const dispatcher = new Agent({ localAddress: source });
globalThis.fetch = (input, init = {}) => {
  if (input instanceof Request) {
    // fetch-event-stream (the client's SSE reader) passes a Request of Node's own fetch, which
    // undici's cannot read: hand over its parts instead.
    const { url, method, headers, body, signal } = input;
    return undiciFetch(url, { method, headers, body, signal, duplex: "half", ...init, dispatcher });
  }
  return undiciFetch(input, { ...init, dispatcher });
};

async function runSession(session) {
  const { delayMs = 0, calls } = Array.isArray(session) ? { calls: session } : session;
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  const client = await Client.connect(url);
  try {
    for (const call of calls) {
      const startedMs = Date.now();
      const line = { session: client.session_hash, api: call.api, startedMs };
      try {
        const result = await client.predict(call.api, call.args);
        Object.assign(line, { ok: true, data: result.data });
      } catch (error) {
        Object.assign(line, { ok: false, error: String(error?.message ?? JSON.stringify(error)) });
      }
      line.endedMs = Date.now();
      process.stdout.write(JSON.stringify(line) + "\n");
    }
  } finally {
    client.close();
  }
}

const plan = JSON.parse(planText);
const outcomes = await Promise.allSettled(plan.map(runSession));
const failed = outcomes.filter((o) => o.status === "rejected");
for (const f of failed) console.error(`a session could not start: ${f.reason?.stack ?? f.reason}`);
await dispatcher.close();
process.exit(failed.length ? 1 : 0);
