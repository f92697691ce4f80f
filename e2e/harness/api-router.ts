// A stand-in for the backend's address baked into a frontend build. When the frontend inlines
// NEXT_PUBLIC_API_URL at build time, one build cannot point at a different backend per auth mode,
// so scripts/test.sh builds against this router's port (E2E_API_PROXY_PORT) and the router
// forwards each browser request to the backend of the mode whose page sent it (by Origin).
import { createServer, request as forward, type Server } from "node:http";

export function startApiRouter(port: number, backendByOrigin: Map<string, string>): Promise<Server> {
  const server = createServer((req, res) => {
    const target = backendByOrigin.get(req.headers.origin ?? "");
    if (!target) {
      res.writeHead(502, { "content-type": "text/plain" }).end(`no backend for origin ${req.headers.origin ?? "(none)"}`);
      return;
    }
    const upstream = forward(new URL(req.url ?? "/", target), { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", (error) => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
      res.end(`backend unreachable: ${error.message}`);
    });
    req.pipe(upstream);
  });
  return new Promise((resolve, reject) => {
    server.on("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}
