// SPDX-License-Identifier: MIT
#pragma once

// The calculator page the desktop tests serve, with a few extra elements to exercise the window.
// `%IMPORT%` is where @gradio/client comes from: the server's own copy, or the jsDelivr URL
// Gradio's guide uses.

#include <QString>

inline QString calculatorPage(const QString &clientImport)
{
    static const char page[] = R"html(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Calculator</title>
<style>
  body { font-family: sans-serif; margin: 2rem; color: #1f2937; }
  input[type=number] { width: 5rem; font-size: 1.3rem; padding: .2rem; text-align: center; }
  button { font-size: 1.3rem; width: 3rem; margin: .2rem; }
  #result { font-size: 2rem; min-height: 2.5rem; margin-top: .8rem; }
  #error { color: #b91c1c; }
  p { margin-top: 1.5rem; }
</style>
</head>
<body>
<h1>Calculator</h1>
<input id="a" type="number" value="3"> <input id="b" type="number" value="5">
<div><button id="add" disabled>+</button><button id="multiply" disabled>&times;</button></div>
<div id="result"></div>
<div id="error"></div>
<p><a id="external" href="https://example.com/docs">Docs</a> ·
   <a id="blank" href="https://example.org/new" target="_blank">New window</a> ·
   <a id="download" href="/download/report.txt">Report</a></p>
<p><input id="file" type="file"></p>
<script type="module">
import { Client } from "%IMPORT%";
const client = await Client.connect(window.location.origin);
const result = document.getElementById("result");
const error = document.getElementById("error");
async function call(endpoint) {
  error.textContent = "";
  const a = Number(document.getElementById("a").value);
  const b = Number(document.getElementById("b").value);
  try {
    const answer = await client.predict(endpoint, { a, b });
    result.textContent = answer.data[0];
  } catch (e) {
    result.textContent = "";
    error.textContent = e.message;
  }
}
for (const id of ["add", "multiply"]) {
  const button = document.getElementById(id);
  button.addEventListener("click", () => call("/" + id));
  button.disabled = false;
}
window.qradioReady = true;
</script>
</body>
</html>
)html";
    return QString::fromUtf8(page).replace(QStringLiteral("%IMPORT%"), clientImport);
}
