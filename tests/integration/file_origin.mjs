// SPDX-License-Identifier: MIT
//
// A web server the tests name files by URL on: it listens on 127.0.0.2, which the calculator is
// started to admit (--file-url-network 127.0.0.2); 127.0.0.1 stays an inner address it refuses.
//
//   const origin = await startFileOrigin({ "/cat.png": png });
//   origin.url("/cat.png")            // "http://127.0.0.2:<port>/cat.png"
//   origin.url("/to-inner")           // a redirect to 127.0.0.1, which must be refused
//   await origin.stop();

import http from "node:http";
import { once } from "node:events";

export async function startFileOrigin(files) {
  let requests = 0;
  const server = http.createServer((request, response) => {
    ++requests;
    const body = files[request.url];
    if (request.url === "/to-inner") {
      response.writeHead(302, { Location: `http://127.0.0.1:${server.address().port}/cat.png` }).end();
    } else if (body) {
      response.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": body.length }).end(body);
    } else {
      response.writeHead(404).end();
    }
  });
  server.listen(0, "127.0.0.2");
  await once(server, "listening");
  return {
    url: (path) => `http://127.0.0.2:${server.address().port}${path}`,
    requests: () => requests,
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}
