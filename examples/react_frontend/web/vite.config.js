// SPDX-License-Identifier: MIT
//
// `npm run build` writes dist/, which qradio_add_app() bundles into the app and serves at "/".
// `npm run dev` serves the page with hot reload and passes the Gradio API through to the running
// app, so that the page calls the same origin whether it is served by Vite or by the app:
//
//   QRADIO_URL=http://127.0.0.1:7860 npm run dev      (the default address)
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

const app = process.env.QRADIO_URL ?? "http://127.0.0.1:7860";

// Every path of the app that @gradio/client calls: /config, /gradio_api/... (info, queue/join,
// queue/data, upload, file=..., heartbeat, client.js, mcp) and the login pages. The Host header is
// kept (no changeOrigin): the app sees the Vite address in Host and Origin alike, so its
// same-origin rule admits the page, and the URLs it builds (file results) point back through Vite.
const proxied = ["/config", "/gradio_api", "/login", "/logout"];

export default defineConfig({
  base: "/",
  plugins: [react()],
  server: {
    proxy: Object.fromEntries(proxied.map((path) => [path, { target: app, changeOrigin: false }])),
  },
  build: {
    outDir: "dist",
    // Offline: the app ships its frontend inside the executable, so no source maps to fetch later.
    sourcemap: false,
  },
});
