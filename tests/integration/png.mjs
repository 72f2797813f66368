// SPDX-License-Identifier: MIT
//
// Just enough PNG for the image filter tests, on node:zlib alone (no npm package): encode 8-bit
// RGB or RGBA images, decode 8-bit non-interlaced grey, grey+alpha, RGB and RGBA ones (what Qt
// writes for Format_RGB32 / Format_ARGB32).
//
//   const png = encodePng({ width, height, channels: 3, data });   // data: Uint8Array, row-major
//   const { width, height, rgba } = decodePng(png);                // rgba: 4 bytes per pixel

import { crc32, deflateSync, inflateSync } from "node:zlib";

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CHANNELS = { 0: 1, 2: 3, 4: 2, 6: 4 };

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** The IHDR chunk of an 8-bit image: enough for a reader to learn the size without any pixels. */
export function headerChunk(width, height, channels = 3) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = channels === 4 ? 6 : 2;
  return chunk("IHDR", ihdr);
}

/** A PNG whose header claims width x height but whose pixel data is a few bytes of nothing. */
export function pngHeaderOnly(width, height) {
  return Buffer.concat([SIGNATURE, headerChunk(width, height), chunk("IDAT", deflateSync(Buffer.alloc(16))),
                        chunk("IEND", Buffer.alloc(0))]);
}

export function encodePng({ width, height, channels = 3, data }) {
  const stride = width * channels;
  const raw = Buffer.alloc((stride + 1) * height); // filter byte 0 (None) on every row
  for (let y = 0; y < height; ++y) Buffer.from(data.buffer, data.byteOffset + y * stride, stride).copy(raw, y * (stride + 1) + 1);
  return Buffer.concat([SIGNATURE, headerChunk(width, height, channels), chunk("IDAT", deflateSync(raw)),
                        chunk("IEND", Buffer.alloc(0))]);
}

function paeth(a, b, c) {
  const p = a + b - c;
  const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

export function decodePng(bytes) {
  const png = Buffer.from(bytes);
  if (!png.subarray(0, 8).equals(SIGNATURE)) throw new Error("not a PNG: bad signature");
  let offset = 8;
  let header = null;
  const idat = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString("latin1", offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === "IHDR") {
      header = { width: data.readUInt32BE(0), height: data.readUInt32BE(4), depth: data[8], colorType: data[9],
                 interlace: data[12] };
    } else if (type === "IDAT") {
      idat.push(data);
    } else if (type === "IEND") {
      break;
    }
    offset += 12 + length;
  }
  if (!header) throw new Error("not a PNG: no IHDR");
  const { width, height, depth, colorType, interlace } = header;
  const channels = CHANNELS[colorType];
  if (depth !== 8 || !channels || interlace !== 0)
    throw new Error(`unsupported PNG: depth ${depth}, colour type ${colorType}, interlace ${interlace}`);

  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; ++y) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = pixels.subarray(y * stride, (y + 1) * stride);
    const prior = y > 0 ? pixels.subarray((y - 1) * stride, y * stride) : Buffer.alloc(stride);
    for (let i = 0; i < stride; ++i) {
      const a = i >= channels ? out[i - channels] : 0;
      const b = prior[i];
      const c = i >= channels ? prior[i - channels] : 0;
      const predictor = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter];
      if (predictor === undefined) throw new Error(`bad PNG filter ${filter} on row ${y}`);
      out[i] = (line[i] + predictor) & 0xff;
    }
  }

  const rgba = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; ++p) {
    const s = pixels.subarray(p * channels, (p + 1) * channels);
    const [r, g, b, a] = channels === 1 ? [s[0], s[0], s[0], 255]
      : channels === 2 ? [s[0], s[0], s[0], s[1]]
      : channels === 3 ? [s[0], s[1], s[2], 255] : [s[0], s[1], s[2], s[3]];
    rgba.set([r, g, b, a], p * 4);
  }
  return { width, height, rgba };
}

/** An opaque RGB image from rows of [r, g, b] pixels. */
export function rgbImage(rows) {
  const height = rows.length;
  const width = rows[0].length;
  const data = new Uint8Array(width * height * 3);
  rows.flat().forEach((pixel, i) => data.set(pixel, i * 3));
  return encodePng({ width, height, channels: 3, data });
}

/** An opaque grey image from rows of grey levels. */
export function greyImage(rows) {
  return rgbImage(rows.map((row) => row.map((v) => [v, v, v])));
}

/** The decoded image's pixels as rows of [r, g, b, a]. */
export function pixelRows({ width, height, rgba }) {
  const rows = [];
  for (let y = 0; y < height; ++y) {
    const row = [];
    for (let x = 0; x < width; ++x) row.push([...rgba.subarray((y * width + x) * 4, (y * width + x) * 4 + 4)]);
    rows.push(row);
  }
  return rows;
}
