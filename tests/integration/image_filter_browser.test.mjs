// SPDX-License-Identifier: MIT
//
// Debian's Chromium, driven by playwright-core, uses the image filter page (examples/image_filter)
// with every non-loopback request aborted: an image picked through the file input and one dropped on
// the drop zone are filtered, the result loads, the Save link names it, and a server refusal shows.
//
// Page contract (examples/image_filter/page.html): file input #file inside the drop zone #drop,
// select #filter, range #strength, button #apply, progress bar #progress (aria-valuenow 0..100),
// images #before and #after, link #save (download attribute), message #error.

import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";
import { startCalculator } from "./harness.mjs";
import { decodePng, encodePng, greyImage } from "./png.mjs";

const CHROMIUM = process.env.QRADIO_CHROMIUM ?? "/usr/bin/chromium";
const SCREENSHOT_DIR = process.env.QRADIO_SCREENSHOT_DIR
  ?? path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const LOOPBACK = new Set(["127.0.0.1", "[::1]", "localhost"]);

let server;
let browser;
let page;
const blocked = [];
const pageErrors = [];

/** A 320x240 scene: colour gradients and a disc, so that every filter shows. */
function scene() {
  const width = 320, height = 240;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; ++y) {
    for (let x = 0; x < width; ++x) {
      const inDisc = (x - 200) ** 2 + (y - 110) ** 2 < 60 ** 2;
      const pixel = inDisc ? [250, 200, 40] : [Math.round(x * 255 / width), 90 + Math.round(y * 120 / height), 200 - Math.round(y * 150 / height)];
      data.set(pixel, (y * width + x) * 3);
    }
  }
  return { width, height, data, png: encodePng({ width, height, data }) };
}

const sepia = (r, g, b) => [Math.min(255, Math.floor((393 * r + 769 * g + 189 * b + 500) / 1000)),
                            Math.min(255, Math.floor((349 * r + 686 * g + 168 * b + 500) / 1000)),
                            Math.min(255, Math.floor((272 * r + 534 * g + 131 * b + 500) / 1000))];

before(async () => {
  assert.ok(process.env.QRADIO_IMAGE_FILTER, "QRADIO_IMAGE_FILTER must name the image_filter executable");
  server = await startCalculator({ binary: process.env.QRADIO_IMAGE_FILTER });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--no-first-run"],
  });
  const context = await browser.newContext({ viewport: { width: 1100, height: 820 } });
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
  page = await context.newPage();
  page.on("pageerror", (error) => pageErrors.push(String(error)));
  const response = await page.goto(server.url + "/");
  assert.equal(response?.status(), 200);
  await page.waitForSelector("body[data-ready=true]");
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Applies the chosen filter and waits for the result image (a new one) to load. */
async function applyAndWait(filter, strength) {
  const previous = await page.getAttribute("#after", "src");
  await page.selectOption("#filter", filter);
  await page.$eval("#strength", (input, value) => {
    input.value = value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }, String(strength));
  await page.click("#apply");
  await page.waitForFunction((old) => {
    const img = document.getElementById("after");
    return !img.hidden && img.src && img.src !== old && img.complete && img.naturalWidth > 0;
  }, previous);
  const save = await page.$eval("#save", (a) => ({ href: a.href, download: a.download, hidden: a.hidden }));
  const result = await page.$eval("#after", (img) => ({ width: img.naturalWidth, height: img.naturalHeight }));
  assert.equal(await page.textContent("#error"), "", "no error shown");
  assert.equal(await page.getAttribute("#progress", "aria-valuenow"), "100", "the progress bar is full");
  return { save, result };
}

test("a picked image is filtered with sepia: the result loads and Save names it", async () => {
  const { width, height, data, png } = scene();
  await page.setInputFiles("#file", { name: "scene.png", mimeType: "image/png", buffer: png });
  await page.waitForFunction(() => document.getElementById("before").naturalWidth > 0);
  assert.equal(await page.isDisabled("#apply"), false);

  const { save, result } = await applyAndWait("sepia", 1);
  assert.deepEqual(result, { width, height });
  assert.equal(save.hidden, false);
  assert.equal(save.download, "scene-sepia.png");

  // What Save downloads is the filtered image, exactly.
  const saved = decodePng(Buffer.from(await (await fetch(save.href)).arrayBuffer()));
  for (let p = 0; p < width * height; ++p) {
    const want = sepia(data[p * 3], data[p * 3 + 1], data[p * 3 + 2]);
    assert.deepEqual([...saved.rgba.subarray(p * 4, p * 4 + 3)], want, `pixel ${p % width},${Math.floor(p / width)}`);
  }

  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, "image_filter.png"), fullPage: true });
});

test("an image dropped on the drop zone is filtered with edges", async () => {
  const png = [...greyImage([[0, 0, 255, 255], [0, 0, 255, 255]])];
  await page.evaluate((bytes) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(bytes)], "step.png", { type: "image/png" }));
    const drop = document.getElementById("drop");
    drop.dispatchEvent(new DragEvent("dragover", { dataTransfer: transfer, bubbles: true, cancelable: true }));
    drop.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, png);
  await page.waitForFunction(() => document.getElementById("beforeCaption").textContent.includes("step.png"));

  const { save, result } = await applyAndWait("edges", 1);
  assert.deepEqual(result, { width: 4, height: 2 });
  assert.equal(save.download, "step-edges.png");
  const saved = decodePng(Buffer.from(await (await fetch(save.href)).arrayBuffer()));
  assert.deepEqual([...saved.rgba.subarray(0, 16)], [0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255, 255, 0, 0, 0, 255]);
});

test("the server's refusal of a file that only claims to be an image is shown", async () => {
  await page.setInputFiles("#file", { name: "fake.png", mimeType: "image/png", buffer: Buffer.from("not a picture") });
  await page.click("#apply");
  await page.waitForFunction(() => document.getElementById("error").textContent.includes("is not an image"));
  assert.match(await page.textContent("#error"), /“fake\.png” is not an image/);
  assert.equal(await page.isDisabled("#apply"), false, "the page can be used again");

  assert.deepEqual(blocked, [], "the page must not reach beyond loopback");
  assert.deepEqual(pageErrors, [], "the page must run without uncaught errors");
});
