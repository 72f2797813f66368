// SPDX-License-Identifier: MIT
//
// The default "Use via API" page (GET / of an app without a page of its own): its cURL snippets
// run as pasted in bash and end with the call's result, and its JavaScript snippets run as pasted
// under Node with the real @gradio/client. Driven against the queue test app (tests/stress).

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startQueueApp, WAIT_GUARD_MS } from "./queue_support.mjs";

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));

let app;
let page;

before(async () => {
  app = await startQueueApp();
  const response = await fetch(new URL("/", app.url));
  assert.equal(response.status, 200);
  page = await response.text();
});

after(async () => {
  await app?.stop();
});

function unescapeHtml(text) {
  return text
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&amp;", "&");
}

/** The snippet under the heading `label` in the section of endpoint `name`, as a user copies it. */
function snippet(name, label) {
  const sections = page.split("<section>").slice(1);
  const section = sections.find((s) => s.startsWith(`<h2><code>/${name}</code></h2>`));
  assert.ok(section, `the page has a section for /${name}`);
  const match = new RegExp(`<h3>${label}</h3><pre><code>([\\s\\S]*?)</code></pre>`).exec(section);
  assert.ok(match, `the /${name} section has a ${label} snippet`);
  return unescapeHtml(match[1]);
}

async function runBash(script) {
  const { stdout } = await run("bash", ["-c", script], { timeout: WAIT_GUARD_MS, encoding: "utf8" });
  return stdout;
}

describe("the cURL snippet, pasted into bash", () => {
  test("a string parameter: the complete event carries the echo", async () => {
    const script = snippet("echo", "cURL");
    assert.ok(!script.includes("| read"), `a pipe into read runs in a subshell in bash: ${script}`);
    const out = await runBash(script);
    assert.match(out, /event: complete\ndata: \["Hello!!"\]/, `output: ${JSON.stringify(out)}`);
  });

  test("a default with a single quote and a name that is no identifier reach the endpoint", async () => {
    const out = await runBash(snippet("repeat", "cURL"));
    assert.match(out, /event: complete\ndata: \["it'sit's"\]/, `output: ${JSON.stringify(out)}`);
  });

  test("no parameters", async () => {
    const out = await runBash(snippet("noop", "cURL"));
    assert.match(out, /event: complete\ndata: \[0\]/, `output: ${JSON.stringify(out)}`);
  });

  test("a streaming endpoint ends with its last value", async () => {
    const out = await runBash(snippet("count", "cURL"));
    // The example for an integer is 3: values 0, 1, 2, then complete with the last one.
    assert.match(out, /event: generating\ndata: \[0\]/, `output: ${JSON.stringify(out)}`);
    assert.match(out, /event: complete\ndata: \[2\]/, `output: ${JSON.stringify(out)}`);
  });
});

describe("the JavaScript snippet, run by Node with @gradio/client", () => {
  for (const [name, expected] of [["echo", ["Hello!!"]], ["repeat", ["it'sit's"]], ["noop", [0]]]) {
    test(`/${name} prints the result's data`, async () => {
      // Written next to this test so that "@gradio/client" resolves from build/npm/node_modules.
      const file = join(here, `snippet-${process.pid}-${name}.mjs`);
      const code = snippet(name, "JavaScript client").replace("console.log(result.data);",
        "console.log(JSON.stringify(result.data)); process.exit(0);");
      assert.notEqual(code, snippet(name, "JavaScript client"), "the snippet logs result.data");
      await writeFile(file, code);
      try {
        const { stdout } = await run(process.execPath, [file], { timeout: WAIT_GUARD_MS, encoding: "utf8" });
        assert.deepEqual(JSON.parse(stdout.trim()), expected);
      } finally {
        await rm(file, { force: true });
      }
    });
  }
});
