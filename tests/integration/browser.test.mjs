// SPDX-License-Identifier: MIT
//
// Debian's Chromium, driven by playwright-core, opens the Calculator page served by the running app
// with every non-loopback request aborted: the page must work offline.
//
// Page contract (examples/calculator/page.html): inputs #a and #b, buttons #add and #multiply, the
// answer in #result; the page imports { Client } from "/gradio_api/client.js".

import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";
import { startCalculator } from "./harness.mjs";

const CHROMIUM = process.env.QRADIO_CHROMIUM ?? "/usr/bin/chromium";
const SCREENSHOT_DIR = process.env.QRADIO_SCREENSHOT_DIR
  ?? path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const LOOPBACK = new Set(["127.0.0.1", "[::1]", "localhost"]);

let server;
let browser;
let page;
const blocked = [];
const pageErrors = [];
const consoleErrors = [];

before(async () => {
  server = await startCalculator();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  const context = await browser.newContext();
  await context.route("**/*", (route) => {
    const request = route.request();
    const { protocol, hostname } = new URL(request.url());
    if ((protocol === "http:" || protocol === "https:" || protocol === "ws:" || protocol === "wss:")
        && !LOOPBACK.has(hostname)) {
      blocked.push(`${request.method()} ${request.url()}`);
      return route.abort("internetdisconnected");
    }
    return route.continue();
  });
  // #result may be an element with text or an <input>.
  await context.addInitScript(() => {
    globalThis.resultText = () => {
      const element = document.querySelector("#result");
      if (!element) return null;
      return (element instanceof HTMLInputElement ? element.value : element.textContent).trim();
    };
  });
  page = await context.newPage();
  page.on("pageerror", (error) => pageErrors.push(String(error)));
  // Console errors are kept for the failure message only: a missing favicon logs one too.
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function compute(a, b, button, expected) {
  await page.fill("#a", String(a));
  await page.fill("#b", String(b));
  await page.click(button);
  try {
    // Playwright's own 30 s default only guards against a hang; the assertion is the value.
    await page.waitForFunction((want) => resultText() === want, expected);
  } catch (error) {
    const shown = await page.evaluate(() => resultText()).catch(() => null);
    assert.fail(`${a} ${button} ${b}: #result reads ${JSON.stringify(shown)}, expected "${expected}" `
      + `(${error.message.split("\n")[0]})\npage errors:\n${pageErrors.join("\n")}\nconsole errors:\n${consoleErrors.join("\n")}`
      + `\nblocked requests:\n${blocked.join("\n")}`);
  }
}

test("the Calculator page adds and multiplies through @gradio/client, offline", async () => {
  const response = await page.goto(server.url + "/");
  assert.equal(response?.status(), 200);
  assert.equal(await page.title(), "Calculator");

  await compute(3, 5, "#add", "8");
  await compute(3, 5, "#multiply", "15");

  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, "calculator.png"), fullPage: true });

  assert.deepEqual(blocked, [], "the page must not reach beyond loopback");
  assert.deepEqual(pageErrors, [], "the page must run without uncaught errors");
});
