// SPDX-License-Identifier: MIT
//
// The React frontend example (examples/react_frontend): its endpoints through the real
// @gradio/client from Node, then its React page — built by CMake with npm and Vite, bundled by
// qradio_add_app() and served by the app at "/" — in Debian's Chromium (playwright-core), with every
// non-loopback request aborted: the streamed answer is seen growing on the page message by message,
// and an uploaded file's summary and thumbnail show.
//
// Page contract (examples/react_frontend/web/src/App.jsx): #app[data-ready=true] once connected;
// input #prompt, button #write, #answer (data-state idle|streaming|done|error) holding the text in
// #answer-text; file input #file, then #result with #result-name, #result-size, #result-type,
// #result-dimensions (images), #result-sha256 and the image #thumbnail; errors in #write-error and
// #inspect-error.

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { Client, handle_file } from "@gradio/client";
import { chromium } from "playwright-core";
import { startCalculator } from "./harness.mjs";
import { decodePng, encodePng } from "./png.mjs";
import { guard } from "./queue_support.mjs";

const CHROMIUM = process.env.QRADIO_CHROMIUM ?? "/usr/bin/chromium";
const SCREENSHOT_DIR = process.env.QRADIO_SCREENSHOT_DIR
  ?? path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const LOOPBACK = new Set(["127.0.0.1", "[::1]", "localhost"]);

let server;
let client;

before(async () => {
  assert.ok(process.env.QRADIO_REACT_FRONTEND, "QRADIO_REACT_FRONTEND must name the react_frontend executable");
  server = await startCalculator({ binary: process.env.QRADIO_REACT_FRONTEND });
  client = await Client.connect(server.url, { events: ["data", "status"] });
});

after(async () => {
  client?.close();
  await server?.stop();
});

const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");

/** A width x height RGB image in three bands: black on the left, red in the middle, white on the right. */
function columns(width, height) {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; ++y) {
    for (let x = 0; x < width; ++x) {
      const band = Math.floor(3 * x / width);
      data.set([[0, 0, 0], [255, 0, 0], [255, 255, 255]][band], (y * width + x) * 3);
    }
  }
  return encodePng({ width, height, data });
}

/** Downloads a thumbnail and checks it is grey: black stays black, white white, red a mid grey. */
async function checkGreyThumbnail(url, width, height) {
  const response = await fetch(url);
  assert.equal(response.status, 200, `GET ${url}`);
  const image = decodePng(Buffer.from(await response.arrayBuffer()));
  assert.deepEqual([image.width, image.height], [width, height], "the thumbnail's size");
  const at = (x, y) => [...image.rgba.subarray((y * width + x) * 4, (y * width + x) * 4 + 3)];
  const y = Math.floor(height / 2);
  assert.deepEqual(at(0, y), [0, 0, 0], "black stays black");
  assert.deepEqual(at(width - 1, y), [255, 255, 255], "white stays white");
  const [r, g, b] = at(Math.floor(width / 2), y);
  assert.ok(r === g && g === b && r > 0 && r < 255, `red becomes a grey, not ${[r, g, b]}`);
}

/** Every message of a job until it ends, the data ones' first output in `texts`. */
async function run(job, what) {
  const texts = [];
  const errors = [];
  await guard((async () => {
    for await (const message of job) {
      if (message.type === "data") texts.push(message.data[0]);
      else if (message.type === "status" && message.stage === "error") errors.push(message.message);
    }
  })(), what);
  return { texts, errors };
}

/** Checks that `texts` is an answer streamed one word more per message, and returns the last. */
function checkGrowingAnswer(messages, prompt) {
  // The client also reports the job's completion as a data message, which repeats the last output.
  const texts = messages.at(-1) === messages.at(-2) ? messages.slice(0, -1) : messages;
  assert.ok(texts.length >= 3, `the answer must come in several messages, got ${JSON.stringify(messages)}`);
  for (let i = 1; i < texts.length; ++i) {
    assert.ok(texts[i].startsWith(texts[i - 1] + " "),
      `message ${i} must extend the one before by a word: ${JSON.stringify(texts[i - 1])} -> ${JSON.stringify(texts[i])}`);
    assert.equal(texts[i].split(" ").length, i + 1, `message ${i} holds ${i + 1} words`);
  }
  const final = texts.at(-1);
  assert.ok(final.includes(prompt), `the answer is about the prompt: ${final}`);
  assert.ok(final.endsWith("The end."), `the answer ends: ${final}`);
  return final;
}

describe("the endpoints through @gradio/client", () => {
  test("/info lists write and inspect with their parameter names", async () => {
    const info = await (await fetch(new URL("/gradio_api/info", server.url))).json();
    const names = (endpoint) => info.named_endpoints[endpoint].parameters.map((p) => p.parameter_name);
    assert.deepEqual(names("/write"), ["prompt"]);
    assert.deepEqual(names("/inspect"), ["file"]);
  });

  test("write streams its answer one word more per message", async () => {
    const { texts, errors } = await run(client.submit("/write", { prompt: "a lighthouse keeper" }), "/write");
    assert.deepEqual(errors, []);
    checkGrowingAnswer(texts, "a lighthouse keeper");
  });

  test("write refuses an empty prompt and a too long one, with their reasons", async () => {
    await assert.rejects(client.predict("/write", { prompt: "   " }), /Write a prompt first/);
    await assert.rejects(client.predict("/write", { prompt: "x".repeat(501) }),
      /The prompt has 501 characters; the limit is 500/);
  });

  test("inspect describes a text file and makes no thumbnail", async () => {
    const bytes = Buffer.from("first line\nsecond line\n");
    const result = await client.predict("/inspect", { file: handle_file(new File([bytes], "notes.txt")) });
    const [summary, thumbnail] = result.data;
    assert.deepEqual(summary, { name: "notes.txt", size: bytes.length, type: "text/plain", sha256: sha256(bytes) });
    assert.equal(thumbnail, null);
  });

  test("inspect describes an image and returns a grey thumbnail of it, scaled down when large", async () => {
    const small = columns(6, 4);
    let [summary, thumbnail] = (await client.predict("/inspect", {
      file: handle_file(new File([small], "small.png", { type: "image/png" })),
    })).data;
    assert.deepEqual(summary, { name: "small.png", size: small.length, type: "image/png", sha256: sha256(small),
                                width: 6, height: 4 });
    assert.equal(thumbnail.orig_name, "small-grey.png");
    await checkGreyThumbnail(thumbnail.url, 6, 4);

    const large = columns(600, 300);
    [summary, thumbnail] = (await client.predict("/inspect", {
      file: handle_file(new File([large], "large.png", { type: "image/png" })),
    })).data;
    assert.deepEqual([summary.width, summary.height], [600, 300]);
    await checkGreyThumbnail(thumbnail.url, 256, 128);
  });

  test("inspect goes by the content, not the name: a PNG named .txt is an image", async () => {
    const bytes = columns(3, 2);
    const [summary, thumbnail] = (await client.predict("/inspect", {
      file: handle_file(new File([bytes], "disguised.txt", { type: "text/plain" })),
    })).data;
    assert.equal(summary.type, "image/png");
    assert.ok(thumbnail, "an image gets a thumbnail whatever its name");
  });
});

describe("the React page in Chromium", () => {
  let browser;
  let page;
  const blocked = [];
  const pageErrors = [];

  before(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--no-first-run"],
    });
    const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
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
  });

  after(async () => {
    await browser?.close();
  });

  test("GET / serves the React build, which renders and connects", async () => {
    const response = await page.goto(server.url + "/");
    assert.equal(response?.status(), 200);
    // Vite's build: a module script from /assets/, and the root React renders into.
    const html = await response.text();
    assert.match(html, /<div id="root"><\/div>/, "the page is the Vite build's index.html");
    assert.match(html, /<script type="module"[^>]* src="\/assets\/index-[^"]+\.js"/);
    await page.waitForSelector("#app[data-ready=true]");
    assert.equal(await page.textContent("h1"), "React frontend");
    assert.equal(await page.isDisabled("#write"), false);
  });

  test("a refused prompt shows the app's reason", async () => {
    await page.fill("#prompt", "  ");
    await page.click("#write");
    await page.waitForSelector("#answer[data-state=error]");
    assert.match(await page.textContent("#write-error"), /Write a prompt first/);
  });

  test("the answer appears on the page as it streams, word after word", async () => {
    const prompt = "a patient robot";
    // Every text the answer shows, recorded by the page itself as React renders it.
    await page.evaluate(() => {
      window.answerStates = [];
      const text = document.getElementById("answer-text");
      new MutationObserver(() => window.answerStates.push(text.textContent))
        .observe(text, { childList: true, characterData: true, subtree: true });
    });
    await page.fill("#prompt", prompt);
    await page.click("#write");
    await page.waitForSelector("#answer[data-state=done]");
    assert.equal(await page.$("#write-error"), null, "no error shown");

    const final = await page.textContent("#answer-text");
    const { texts } = await run(client.submit("/write", { prompt }), "/write from Node");
    assert.equal(final, checkGrowingAnswer(texts, prompt), "the page shows the whole answer at the end");

    const states = [];
    for (const text of await page.evaluate(() => window.answerStates)) {
      if (text !== "" && text !== states.at(-1)) states.push(text);
    }
    assert.equal(states.at(-1), final);
    const intermediate = states.slice(0, -1);
    assert.ok(intermediate.length >= 2,
      `the page must show the answer growing before it is whole, saw ${JSON.stringify(states)}`);
    for (let i = 0; i < states.length; ++i) {
      assert.ok(final.startsWith(states[i]), `state ${i} is a beginning of the answer: ${JSON.stringify(states[i])}`);
      if (i > 0)
        assert.ok(states[i].length > states[i - 1].length, `state ${i} is longer than the one before`);
    }
  });

  test("an uploaded image's summary and grey thumbnail show", async () => {
    const png = columns(240, 120);
    await page.setInputFiles("#file", { name: "picked.png", mimeType: "image/png", buffer: png });
    await page.waitForFunction(() => {
      const img = document.getElementById("thumbnail");
      return img && img.complete && img.naturalWidth > 0;
    });
    assert.equal(await page.textContent("#result-name"), "picked.png");
    assert.equal(await page.textContent("#result-size"), `${png.length} bytes`);
    assert.equal(await page.textContent("#result-type"), "image/png");
    assert.equal(await page.textContent("#result-dimensions"), "240 × 120");
    assert.equal(await page.textContent("#result-sha256"), sha256(png));
    await checkGreyThumbnail(await page.getAttribute("#thumbnail", "src"), 240, 120);

    await mkdir(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "react_frontend.png"), fullPage: true });
  });

  test("an uploaded text file's summary shows, without a thumbnail", async () => {
    const bytes = Buffer.from("plain words\n");
    await page.setInputFiles("#file", { name: "words.txt", mimeType: "text/plain", buffer: bytes });
    await page.waitForFunction(() => document.getElementById("result-name")?.textContent === "words.txt");
    assert.equal(await page.textContent("#result-type"), "text/plain");
    assert.equal(await page.textContent("#result-sha256"), sha256(bytes));
    assert.equal(await page.$("#thumbnail"), null);

    assert.deepEqual(blocked, [], "the page must not reach beyond loopback");
    assert.deepEqual(pageErrors, [], "the page must run without uncaught errors");
  });
});
