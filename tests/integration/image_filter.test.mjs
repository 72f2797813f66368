// SPDX-License-Identifier: MIT
//
// The image filter example (examples/image_filter) through the real @gradio/client: every filter's
// PNG decoded and compared pixel by pixel for tiny known inputs (the same cases tst_imagefilter
// works out by hand), progress as status events, refusals with their messages, and cancellation.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Client, handle_file } from "@gradio/client";
import { startCalculator } from "./harness.mjs";
import { decodePng, encodePng, greyImage, pixelRows, pngHeaderOnly, rgbImage } from "./png.mjs";
import { guard } from "./queue_support.mjs";

let server;
let client;

before(async () => {
  assert.ok(process.env.QRADIO_IMAGE_FILTER, "QRADIO_IMAGE_FILTER must name the image_filter executable");
  server = await startCalculator({ binary: process.env.QRADIO_IMAGE_FILTER });
  client = await Client.connect(server.url, { events: ["data", "status"] });
});

after(async () => {
  client?.close();
  await server?.stop();
});

const png = (bytes) => handle_file(new Blob([bytes], { type: "image/png" }));

/** Filters `bytes` and returns the FileData and the decoded result. */
async function filter(bytes, name, strength = 1) {
  const result = await guard(client.predict("/filter", { image: png(bytes), filter: name, strength }), `filter ${name}`);
  const file = result.data[0];
  assert.equal(file.meta._type, "gradio.FileData");
  const download = await fetch(file.url);
  assert.equal(download.status, 200);
  return { file, image: decodePng(Buffer.from(await download.arrayBuffer())) };
}

const grey = (rows) => rows.map((row) => row.map((v) => [v, v, v, 255]));
const opaque = (rows) => rows.map((row) => row.map((p) => [...p, 255]));

/** Every event of a submitted job until its iterator ends; `onEvent` sees each as it comes. */
async function collect(job, what, onEvent = () => {}) {
  const events = [];
  await guard((async () => {
    for await (const event of job) {
      events.push(event);
      await onEvent(event);
    }
  })(), what);
  return events;
}

describe("each filter's pixels", () => {
  const colours = rgbImage([[[255, 0, 0], [0, 255, 0]], [[0, 0, 255], [10, 20, 30]]]);
  const cases = [
    ["grey", colours, 1, grey([[76, 150], [29, 18]])],
    ["invert", colours, 1, opaque([[[0, 255, 255], [255, 0, 255]], [[255, 255, 0], [245, 235, 225]]])],
    ["sepia", rgbImage([[[100, 150, 200], [255, 255, 255]]]), 1, opaque([[[192, 171, 134], [255, 255, 239]]])],
    ["edges", greyImage([[0, 10, 20, 30], [0, 10, 20, 30], [0, 10, 20, 30]]), 1,
     grey([[40, 80, 80, 40], [40, 80, 80, 40], [40, 80, 80, 40]])],
    ["sharpen", greyImage([[50, 50, 50], [50, 60, 50], [50, 50, 50]]), 1,
     grey([[50, 40, 50], [40, 100, 40], [50, 40, 50]])],
    ["blur", greyImage([[0, 0, 0, 0], [0, 255, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]), 0.05,
     grey([[28, 28, 28, 0], [28, 28, 28, 0], [28, 28, 28, 0], [0, 0, 0, 0]])],
  ];
  for (const [name, input, strength, expected] of cases) {
    test(`${name} at strength ${strength}`, async () => {
      const { file, image } = await filter(input, name, strength);
      assert.equal(file.orig_name, `blob-${name}.png`, "a Blob uploads as \"blob\"");
      assert.equal(file.mime_type, "image/png");
      assert.deepEqual(pixelRows(image), expected);
    });
  }

  test("strength blends with the original: grey at 0.5", async () => {
    const { image } = await filter(colours, "grey", 0.5);
    assert.deepEqual(pixelRows(image)[0][0], [166, 38, 38, 255]);
  });

  test("the result is named after the upload: <stem>-<filter>.png", async () => {
    const upload = new File([colours], "holiday photo.v2.png", { type: "image/png" });
    const result = await client.predict("/filter", { image: handle_file(upload), filter: "invert", strength: 1 });
    assert.equal(result.data[0].orig_name, "holiday photo.v2-invert.png");
  });

  test("transparency survives", async () => {
    const rgba = encodePng({ width: 2, height: 1, channels: 4, data: new Uint8Array([10, 20, 30, 128, 200, 100, 0, 0]) });
    const { image } = await filter(rgba, "invert");
    assert.deepEqual(pixelRows(image)[0].map((p) => p[3]), [128, 0]);
    assert.deepEqual(pixelRows(image)[0][0], [245, 235, 225, 128]);
  });
});

test("progress arrives as status events with rows, in order, before the result", async () => {
  // The server sends the latest progress whenever its queue gets to it: an image large enough to
  // take a while leaves it time to send some while the rows are being filtered.
  const width = 2000, height = 1500;
  const data = new Uint8Array(width * height * 3).map((_, i) => (i * 7) & 0xff);
  const events = await collect(client.submit("/filter", { image: png(encodePng({ width, height, data })),
                                                         filter: "blur", strength: 0.5 }), "a blur with progress");
  const progress = events.filter((e) => e.type === "status" && Array.isArray(e.progress_data)).map((e) => e.progress_data[0]);
  const rows = progress.filter((p) => p.unit === "rows");
  assert.ok(rows.length >= 1, `progress in rows: ${JSON.stringify(progress)}`);
  for (const p of rows) {
    assert.equal(p.length, 2 * height, "blur counts its two passes");
    assert.equal(p.desc, "Applying blur");
  }
  const indices = rows.map((p) => p.index);
  assert.deepEqual(indices, [...indices].sort((a, b) => a - b), "progress moves forward");
  const dataAt = events.findIndex((e) => e.type === "data");
  assert.ok(dataAt > events.indexOf(events.find((e) => e.progress_data)), "progress comes before the result");
  assert.equal(decodePng(Buffer.from(await (await fetch(events[dataAt].data[0].url)).arrayBuffer())).height, height);
});

describe("refusals", () => {
  test("a file that is not an image is refused, naming it", async () => {
    const text = new File(["just some words\n"], "notes.txt", { type: "text/plain" });
    await assert.rejects(client.predict("/filter", { image: handle_file(text), filter: "grey", strength: 1 }), (error) => {
      assert.match(error.message, /^“notes\.txt” is not an image: upload a PNG, JPEG, GIF, BMP or WebP file\.$/);
      return true;
    });
  });

  test("a file named .png that is not one is refused too", async () => {
    const fake = new File(["<html></html>"], "fake.png", { type: "image/png" });
    await assert.rejects(client.predict("/filter", { image: handle_file(fake), filter: "grey", strength: 1 }),
                         /“fake\.png” is not an image/);
  });

  test("an image over 40 megapixels is refused from its header, before decoding", async () => {
    const huge = new File([pngHeaderOnly(7000, 7000)], "huge.png", { type: "image/png" });
    await assert.rejects(client.predict("/filter", { image: handle_file(huge), filter: "grey", strength: 1 }), (error) => {
      assert.equal(error.message, "“huge.png” is 7000 × 7000 pixels (49.0 megapixels); the limit is 40 megapixels.");
      return true;
    });
  });

  test("an unknown filter and a strength out of range are refused", async () => {
    const image = rgbImage([[[1, 2, 3]]]);
    await assert.rejects(client.predict("/filter", { image: png(image), filter: "posterize", strength: 1 }), /posterize/);
    await assert.rejects(client.predict("/filter", { image: png(image), filter: "grey", strength: 2 }),
                         /The strength must be between 0 and 1, not 2\./);
  });
});

test("cancelling a running filter: no result, and the next call works", async () => {
  // 24 megapixels of black compress to a few tens of kilobytes but take the server a while to
  // decode and blur: the cancel reaches it long before the end.
  const width = 6000, height = 4000;
  const big = encodePng({ width, height, data: new Uint8Array(width * height * 3) });
  const job = client.submit("/filter", { image: png(big), filter: "blur", strength: 1 });
  let cancelled = false;
  const events = await collect(job, "the cancelled filter", async (e) => {
    if (!cancelled && e.type === "status" && e.progress_data) {
      cancelled = true;
      await job.cancel();
    }
  });
  assert.ok(cancelled, "the filter reported progress before it could be cancelled");
  assert.deepEqual(events.filter((e) => e.type === "data"), [], "a cancelled filter yields no result");
  const { image } = await filter(rgbImage([[[0, 0, 0]]]), "invert");
  assert.deepEqual(pixelRows(image), [[[255, 255, 255, 255]]]);
});

describe("the MCP tool", () => {
  let mcp;
  before(async () => {
    const { Client: McpClient } = await import("@modelcontextprotocol/sdk/client/index.js");
    const { StreamableHTTPClientTransport } = await import("@modelcontextprotocol/sdk/client/streamableHttp.js");
    mcp = new McpClient({ name: "qradio-image-filter", version: "1.0.0" });
    await mcp.connect(new StreamableHTTPClientTransport(new URL(server.url + "/gradio_api/mcp/")));
  });
  after(async () => {
    await mcp?.close();
  });

  test("filter is listed with its filters as an enum", async () => {
    const { tools } = await mcp.listTools();
    const tool = tools.find((t) => t.name === "filter");
    assert.ok(tool, JSON.stringify(tools.map((t) => t.name)));
    assert.deepEqual(tool.inputSchema.properties.filter.enum, ["grey", "blur", "edges", "invert", "sepia", "sharpen"]);
    assert.deepEqual(tool.inputSchema.required, ["image"]);
  });

  test("an image given as a data: URL comes back as image content and its URL", async () => {
    const png = rgbImage([[[10, 20, 30]]]);
    const result = await mcp.callTool({ name: "filter",
                                        arguments: { image: `data:image/png;base64,${Buffer.from(png).toString("base64")}`,
                                                     filter: "invert", strength: 1 } });
    assert.equal(result.isError, false, JSON.stringify(result));
    assert.equal(result.content[0].type, "image");
    assert.equal(result.content[0].mimeType, "image/png");
    assert.deepEqual(pixelRows(decodePng(Buffer.from(result.content[0].data, "base64"))), [[[245, 235, 225, 255]]]);
    assert.match(result.content[1].text, /^Image URL: http:\/\/.*\/gradio_api\/file=.*\/dot-invert\.png$|^Image URL: http:\/\/.*-invert\.png$/);
  });
});
