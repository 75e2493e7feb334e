// A small HTTP server on a free loopback port, standing in for a service
// the Worker calls (Turnstile's siteverify, a sales tool's webhook).
import { createServer } from "node:http";

/**
 * Serves `answer(req, body, res)` for every request, with the body read as
 * text. Resolves to `{ url, close }`.
 */
export function serve(answer) {
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => answer(req, body, res));
  });
  return new Promise((done) =>
    server.listen(0, "127.0.0.1", () =>
      done({ url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() }),
    ),
  );
}
