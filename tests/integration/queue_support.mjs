// SPDX-License-Identifier: MIT
//
// Shared by the queue_*.test.mjs tests: starting the queue test app, raw queue calls with fetch(),
// and a strict reader of the /gradio_api/queue/data stream.
//
//   const app = await startQueueApp({ args: ["--max-queue-size", "2"] });
//   const q = await QueueClient.create(app.url);
//   const { event_id } = await q.join("hold", [30], session);
//   const stream = q.openStream(session);
//   const frame = await stream.waitFor((m) => m.msg === "process_starts");

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import net from "node:net";
import { dirname, join } from "node:path";
import { startCalculator } from "./harness.mjs";

// Guards against hangs, not timing assertions: a wait that never ends fails with a description of
// what was awaited and what arrived, instead of running into CTest's timeout. A sanitized server
// (QRADIO_SANITIZE) runs several times slower: TSan takes about 20 s for 100,000 values.
export const WAIT_GUARD_MS = process.env.QRADIO_SANITIZER ? 120_000 : 30_000;

/** The queue test app (tests/stress/queue_testapp), built next to the calculator. */
export function queueAppPath() {
  if (process.env.QRADIO_QUEUE_TESTAPP) return process.env.QRADIO_QUEUE_TESTAPP;
  const calculator = process.env.QRADIO_CALCULATOR;
  assert.ok(calculator, "QRADIO_QUEUE_TESTAPP or QRADIO_CALCULATOR must be set");
  // <build>/examples/calculator/calculator -> <build>/tests/stress/queue_testapp
  return join(dirname(dirname(dirname(calculator))), "tests", "stress", "queue_testapp");
}

/** Starts the queue test app through the shared harness (same start-up and clean-stop checks). */
export async function startQueueApp(options = {}) {
  const saved = process.env.QRADIO_CALCULATOR;
  const binary = queueAppPath();
  process.env.QRADIO_CALCULATOR = binary;
  try {
    return await startCalculator(options);
  } finally {
    process.env.QRADIO_CALCULATOR = saved;
  }
}

export function newSessionHash() {
  return randomBytes(6).toString("hex");
}

/** Rejects after WAIT_GUARD_MS with `what` unless `promise` settles first. */
export function guard(promise, what, details = () => "") {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still waiting for ${what} after ${WAIT_GUARD_MS} ms${details()}`)),
      WAIT_GUARD_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Raw HTTP access to the queue routes of one server. */
export class QueueClient {
  static async create(url) {
    const config = await (await fetch(new URL("/config", url))).json();
    const fnIndex = new Map(config.dependencies.map((d) => [d.api_name, d.id]));
    return new QueueClient(url, fnIndex);
  }

  constructor(url, fnIndex) {
    this.url = url;
    this.fnIndex = fnIndex;
  }

  index(name) {
    assert.ok(this.fnIndex.has(name), `the app has an endpoint named ${name}`);
    return this.fnIndex.get(name);
  }

  async post(path, body) {
    const response = await fetch(new URL(path, this.url), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, text, json, headers: response.headers };
  }

  /** POST /gradio_api/queue/join; returns the event id (asserting a 200) */
  async join(name, data, sessionHash) {
    const r = await this.post("/gradio_api/queue/join?", { data, fn_index: this.index(name), session_hash: sessionHash });
    assert.equal(r.status, 200, `join ${name}: ${r.text}`);
    assert.match(r.json?.event_id ?? "", /^[0-9a-f]{32}$/, `join ${name}: event_id is 32 hex digits: ${r.text}`);
    return r.json.event_id;
  }

  async cancel(name, eventId, sessionHash) {
    const r = await this.post("/gradio_api/cancel", { session_hash: sessionHash, fn_index: this.index(name), event_id: eventId });
    assert.equal(r.status, 200, `cancel: ${r.text}`);
    assert.deepEqual(r.json, { success: true });
  }

  async queueSize() {
    const r = await (await fetch(new URL("/gradio_api/queue/status", this.url))).json();
    return r.queue_size;
  }

  openStream(sessionHash) {
    return new SseStream(new URL(`/gradio_api/queue/data?session_hash=${sessionHash}`, this.url));
  }
}

/**
 * Reads /gradio_api/queue/data and checks every frame as it arrives: exactly
 * `data: <one-line JSON object>\n\n`, LF only, no comments or other fields, each object with `msg`
 * and `event_id`. A framing violation fails the wait that is pending (or the next one).
 */
export class SseStream {
  constructor(url) {
    this.url = url;
    this.messages = [];
    this.rawFrames = [];
    this.status = undefined;
    this.contentType = undefined;
    this.error = undefined;
    this.endedCleanly = false;
    this.waiters = [];
    this.done = this.#run();
  }

  // A raw HTTP/1.1 client (node:net), not fetch(): it sees the chunked framing itself, and the
  // test depends on nothing but the bytes the server sends.
  #run() {
    return new Promise((resolve) => {
      const url = new URL(this.url);
      const socket = net.connect(Number(url.port), url.hostname);
      this.socket = socket;
      const decoder = new TextDecoder();
      let raw = Buffer.alloc(0);
      let head = null;
      let text = "";
      const finish = (why) => {
        if (this.finished) return;
        if (why) this.#fail(why);
        this.finished = true;
        socket.destroy();
        this.#wake();
        resolve();
      };
      const body = (bytes) => {
        text += decoder.decode(bytes, { stream: true });
        let end;
        while ((end = text.indexOf("\n\n")) >= 0) {
          this.#frame(text.slice(0, end));
          text = text.slice(end + 2);
        }
      };
      socket.on("connect", () => socket.write(
        `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nAccept: text/event-stream\r\n\r\n`));
      socket.on("data", (chunk) => {
        raw = Buffer.concat([raw, chunk]);
        if (!head) {
          const end = raw.indexOf("\r\n\r\n");
          if (end < 0) return;
          head = raw.subarray(0, end).toString("latin1");
          raw = raw.subarray(end + 4);
          this.status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(head)?.[1]);
          this.contentType = /^content-type:\s*(.*)$/im.exec(head)?.[1]?.trim();
          if (!/^transfer-encoding:\s*chunked\s*$/im.test(head))
            return finish(`the stream must be chunked: ${JSON.stringify(head)}`);
        }
        // Chunks: <hex>\r\n<bytes>\r\n ... 0\r\n\r\n
        for (;;) {
          const line = raw.indexOf("\r\n");
          if (line < 0) return;
          const size = Number.parseInt(raw.subarray(0, line).toString("latin1"), 16);
          if (!/^[0-9a-f]+$/i.test(raw.subarray(0, line).toString("latin1")))
            return finish(`bad chunk size line ${JSON.stringify(raw.subarray(0, line + 2).toString("latin1"))}`);
          if (raw.length < line + 2 + size + 2) return;
          if (raw.subarray(line + 2 + size, line + 4 + size).toString("latin1") !== "\r\n")
            return finish("a chunk must end with CRLF");
          const data = raw.subarray(line + 2, line + 2 + size);
          raw = raw.subarray(line + 4 + size);
          if (size === 0) {
            if (text.length > 0) this.#fail(`the stream ended inside a frame: ${JSON.stringify(text)}`);
            if (raw.length > 0) this.#fail(`bytes after the last chunk: ${JSON.stringify(raw.toString("latin1"))}`);
            this.endedCleanly = true;
            return finish();
          }
          body(data);
          this.#wake();
        }
      });
      socket.on("error", (error) => finish(this.aborted ? undefined : `socket error: ${error.message}`));
      socket.on("close", () => finish(this.aborted ? undefined : "the connection closed before the last chunk"));
    });
  }

  #frame(block) {
    this.rawFrames.push(block);
    if (!block.startsWith("data: ")) return this.#fail(`a frame must start with "data: ": ${JSON.stringify(block)}`);
    const payload = block.slice(6);
    if (/[\r\n]/.test(payload)) return this.#fail(`a frame must be one data line with LF endings: ${JSON.stringify(block)}`);
    let message;
    try {
      message = JSON.parse(payload);
    } catch {
      return this.#fail(`frame data is not JSON: ${JSON.stringify(payload)}`);
    }
    if (typeof message !== "object" || message === null || Array.isArray(message))
      return this.#fail(`frame data must be a JSON object: ${payload}`);
    if (!("msg" in message) || !("event_id" in message))
      return this.#fail(`every message needs "msg" and "event_id": ${payload}`);
    this.messages.push(message);
  }

  #fail(why) {
    this.error ??= new Error(`${this.url}: ${why}`);
  }

  #wake() {
    for (const w of this.waiters.splice(0)) w();
  }

  describe() {
    return `\nreceived so far:\n${this.rawFrames.map((f) => "  " + f).join("\n")}`;
  }

  /** Resolves with the first message (from index `from`) matching `predicate`. */
  async waitFor(predicate, { from = 0, what = "a matching message" } = {}) {
    const search = () => {
      if (this.error) throw this.error;
      for (let i = from; i < this.messages.length; ++i) if (predicate(this.messages[i])) return this.messages[i];
      if (this.finished) throw new Error(`the stream ended without ${what}${this.describe()}`);
      return undefined;
    };
    return guard((async () => {
      for (;;) {
        const found = search();
        if (found) return found;
        await new Promise((resolve) => this.waiters.push(resolve));
      }
    })(), what, () => this.describe());
  }

  /** Waits for the response to end by itself and returns every message. */
  async end() {
    await guard(this.done, "the end of the stream", () => this.describe());
    if (this.error) throw this.error;
    assert.ok(this.endedCleanly, `the stream did not end cleanly${this.describe()}`);
    return this.messages;
  }

  /** Hangs up, as a client that goes away does. */
  close() {
    this.aborted = true;
    this.socket?.destroy();
  }

  of(eventId) {
    return this.messages.filter((m) => m.event_id === eventId);
  }
}
