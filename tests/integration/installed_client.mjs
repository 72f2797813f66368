// SPDX-License-Identifier: MIT
// node installed_client.mjs <url>: the calculator, as installed from its package (tests/package/),
// called by the real @gradio/client: one predict and one streamed generation.
import { Client } from "@gradio/client";

const client = await Client.connect(process.argv[2]);
const sum = await client.predict("/add", { a: 3, b: 5 });
if (JSON.stringify(sum.data) !== "[8]")
    throw new Error(`add answered ${JSON.stringify(sum.data)}`);
const words = [];
for await (const message of client.submit("/generate", { prompt: "one two three" })) {
    if (message.type === "data")
        words.push(message.data[0]);
}
if (words.length < 2)
    throw new Error(`generate streamed ${JSON.stringify(words)}`);
console.log("client ok:", JSON.stringify(sum.data), JSON.stringify(words));
process.exit(0);
