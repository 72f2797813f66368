// SPDX-License-Identifier: MIT
//
// Run by tls.test.mjs in a Node of its own, so that NODE_EXTRA_CA_CERTS (read only at start-up)
// can trust the certificate made for the test: @gradio/client over https with certificate
// verification on. Prints one JSON line: { predict, stream } or { error }.

import { Client } from "@gradio/client";

const url = process.argv[2];
const out = {};
try {
  const client = await Client.connect(url, { events: ["data", "status"] });
  out.predict = (await client.predict("/add", { a: 3, b: 5 })).data;
  out.stream = [];
  for await (const event of client.submit("/generate", ["a b c"])) {
    if (event.type === "data") out.stream.push(event.data);
    if (event.type === "status") out.last = event.stage;
  }
  client.close();
} catch (error) {
  // fetch says only "fetch failed"; its cause says why (a certificate error code).
  out.error = [error?.message ?? error, error?.cause?.code, error?.cause?.message].filter(Boolean).join(": ");
}
console.log(JSON.stringify(out));
process.exit(0);
