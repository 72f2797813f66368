// SPDX-License-Identifier: MIT
//
// Two C++ endpoints (../../endpoints.cpp) behind one React page, through @gradio/client:
// - write(prompt): a streamed answer, shown message by message as the app sends them;
// - inspect(file): an upload (handle_file), answered with a summary and, for images, a thumbnail.
//
// The page calls its own origin: the app itself when it serves dist/, or Vite's dev server, which
// passes the API through to the app (vite.config.js).
import { useEffect, useRef, useState } from "react";
import { Client, handle_file } from "@gradio/client";

/** Connects once; `client` is null until then, `error` says why it could not. */
function useGradioClient() {
  const [state, setState] = useState({ client: null, error: "" });
  useEffect(() => {
    let current = true; // StrictMode mounts twice in development: keep only the last connection
    // "status" too: a refusal (an Error thrown by the C++ function) arrives as a status message.
    Client.connect(window.location.origin, { events: ["data", "status"] })
      .then((client) => current && setState({ client, error: "" }))
      .catch((error) => current && setState({ client: null, error: messageOf(error) }));
    return () => { current = false; };
  }, []);
  return state;
}

function messageOf(error) {
  return error?.message ?? String(error);
}

/** Runs `endpoint` and passes each data message's outputs to `onData`; resolves at the end. */
async function stream(client, endpoint, inputs, onData) {
  const job = client.submit(endpoint, inputs);
  for await (const message of job) {
    if (message.type === "data")
      onData(message.data);
    else if (message.type === "status" && message.stage === "error")
      throw new Error(message.message || `${endpoint} failed`);
  }
}

function Writer({ client }) {
  const [prompt, setPrompt] = useState("a lighthouse keeper");
  const [answer, setAnswer] = useState("");
  const [state, setState] = useState("idle"); // idle | streaming | done | error
  const [error, setError] = useState("");

  async function write(event) {
    event.preventDefault();
    setAnswer("");
    setError("");
    setState("streaming");
    try {
      // Each message holds the whole answer so far: show the latest.
      await stream(client, "/write", { prompt }, ([text]) => setAnswer(text));
      setState("done");
    } catch (e) {
      setError(messageOf(e));
      setState("error");
    }
  }

  return (
    <section className="card">
      <h2>Streaming</h2>
      <form onSubmit={write}>
        <input id="prompt" value={prompt} onChange={(e) => setPrompt(e.target.value)} maxLength={500}
               placeholder="What should the story be about?" aria-label="Prompt" />
        <button id="write" type="submit" disabled={!client || state === "streaming"}>Write</button>
      </form>
      <p id="answer" className="answer" data-state={state} aria-live="polite">
        <span id="answer-text">{answer}</span>{state === "streaming" && <span className="cursor" aria-hidden="true">▍</span>}
      </p>
      {error && <p id="write-error" className="error">{error}</p>}
    </section>
  );
}

function formatSize(bytes) {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function Inspector({ client }) {
  const [result, setResult] = useState(null); // { summary, thumbnail }
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const input = useRef(null);

  async function inspect(file) {
    setResult(null);
    setError("");
    setBusy(true);
    try {
      await stream(client, "/inspect", { file: handle_file(file) },
                   ([summary, thumbnail]) => setResult({ summary, thumbnail }));
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
      input.current.value = ""; // the same file can be picked again
    }
  }

  const summary = result?.summary;
  return (
    <section className="card">
      <h2>Upload</h2>
      <input id="file" ref={input} type="file" disabled={!client || busy}
             onChange={(e) => e.target.files[0] && inspect(e.target.files[0])} />
      {busy && <p className="muted">Uploading…</p>}
      {summary && (
        <div id="result" className="result">
          <dl>
            <dt>Name</dt><dd id="result-name">{summary.name}</dd>
            <dt>Size</dt><dd id="result-size">{formatSize(summary.size)}</dd>
            <dt>Type</dt><dd id="result-type">{summary.type}</dd>
            {summary.width !== undefined && (<><dt>Image</dt><dd id="result-dimensions">{summary.width} × {summary.height}</dd></>)}
            <dt>SHA-256</dt><dd id="result-sha256" className="hash">{summary.sha256}</dd>
            {summary.note && (<><dt>Note</dt><dd>{summary.note}</dd></>)}
          </dl>
          {result.thumbnail && <img id="thumbnail" src={result.thumbnail.url} alt={`${summary.name}, in grey`} />}
        </div>
      )}
      {error && <p id="inspect-error" className="error">{error}</p>}
    </section>
  );
}

export default function App() {
  const { client, error } = useGradioClient();
  return (
    <main id="app" data-ready={client ? "true" : "false"}>
      <h1>React frontend</h1>
      <p className="muted">A React + Vite page calling C++ endpoints of a Qradio app through <code>@gradio/client</code>.</p>
      {error && <p id="connect-error" className="error">Could not connect: {error}</p>}
      <Writer client={client} />
      <Inspector client={client} />
    </main>
  );
}
