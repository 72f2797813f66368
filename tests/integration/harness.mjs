// SPDX-License-Identifier: MIT
//
// Starts the calculator example (or another Qradio app) on a free port and stops it again. Shared by
// every integration test:
//
//   const server = await startCalculator();   // server.url === "http://127.0.0.1:<port>" (https with TLS)
//   ...
//   await server.stop();                       // SIGTERM, waits for the exit, asserts exit code 0
//
// The binary comes from $QRADIO_CALCULATOR (CTest sets it to $<TARGET_FILE:calculator>); pass
// { binary } to start another app that takes the same command line.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { createInterface } from "node:readline";

const READY_LINE = /Running on local URL:\s+(https?:\/\/127\.0\.0\.1:(\d+))\s*$/;
// A hang guard, not a timing assertion: a server that never prints its URL fails with its output
// instead of blocking the test run until CTest's own timeout.
const STARTUP_GUARD_MS = 60_000;

export async function startCalculator({ binary = process.env.QRADIO_CALCULATOR, args = [], env = {} } = {}) {
  assert.ok(binary, "QRADIO_CALCULATOR must name the calculator executable");

  const argv = ["--headless", "--host", "127.0.0.1", "--port", "0", ...args];
  const child = spawn(binary, argv, {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
  const output = [];
  const exited = once(child, "exit");
  child.stderr.setEncoding("utf8").on("data", (chunk) => output.push(chunk));

  const url = await new Promise((resolve, reject) => {
    const describe = (why) =>
      new Error(`${binary} ${argv.join(" ")}: ${why}\n--- output so far ---\n${output.join("")}`);
    const guard = setTimeout(
      () => reject(describe(`no "Running on local URL" line on stdout after ${STARTUP_GUARD_MS} ms`)),
      STARTUP_GUARD_MS);
    const lines = createInterface({ input: child.stdout });
    lines.on("line", (line) => {
      output.push(line + "\n");
      const match = READY_LINE.exec(line);
      if (match) {
        clearTimeout(guard);
        resolve(match[1]);
      }
    });
    child.on("error", (error) => { clearTimeout(guard); reject(describe(error.message)); });
    child.on("exit", (code, signal) => {
      clearTimeout(guard);
      reject(describe(`exited before printing its URL (code ${code}, signal ${signal})`));
    });
  }).catch(async (error) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await exited;
    }
    throw error;
  });

  const port = Number(new URL(url).port);
  assert.ok(port > 0, `the server must report the port it really bound, not ${url}`);

  let stopped = null;
  return {
    url,
    port,
    process: child,
    /** Everything the server printed so far (stdout and stderr). */
    output: () => output.join(""),
    /** SIGTERM, wait for the process to end, and require a clean exit (code 0). */
    stop() {
      stopped ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
        const [code, signal] = await exited;
        assert.equal(signal, null,
          `the calculator must handle SIGTERM and exit by itself (ended by ${signal})\n${output.join("")}`);
        assert.equal(code, 0, `the calculator must exit with code 0 after SIGTERM\n${output.join("")}`);
      })();
      return stopped;
    },
  };
}

/** A port on 127.0.0.1 that was free a moment ago, for a server the test starts itself (nginx, Prometheus). */
export async function freePort() {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address();
  server.close();
  await once(server, "close");
  return port;
}
