// The real Better Auth server for the benchmarks: the app's own configuration (lib/server/auth-options.ts),
// like frontend/scripts/auth-issuer.ts, with one change: /get-session is exempt from rate limiting.
// The app keeps Better Auth's global limit (100 requests per 10 s per client address); a backend that
// asked /get-session on every request would hit it at 10 requests/s for all its users together, so
// anyone choosing that design has to lift it, and the benchmark measures the design, not the limiter.
//
// Env: PORT (0 = any free port), DATABASE_URL. Prints {"url","jwksUrl","issuer"} on stdout when ready.
import { randomBytes } from "node:crypto";
import http from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";

console.log = console.error;
console.info = console.error;
console.warn = console.error;

// better-auth is the frontend's dependency: load the very copy its lib/server/auth-options.ts uses.
const fromFrontend = createRequire(new URL("../../frontend/package.json", import.meta.url));
const load = (name: string) => import(pathToFileURL(fromFrontend.resolve(name)).href);
const { betterAuth } = (await load("better-auth")) as typeof import("better-auth");
const { toNodeHandler } = (await load("better-auth/node")) as typeof import("better-auth/node");
const { createAuthOptions } = await import("../../frontend/lib/server/auth-options");
const { closeAuthDatabase, migrateAuthDatabase } = await import("../../frontend/lib/server/auth-migrate");

let handle: ((req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>) | null = null;
const server = http.createServer((req, res) => {
  if (!handle) {
    res.writeHead(503).end();
    return;
  }
  req.headers["x-forwarded-for"] = req.socket.remoteAddress ?? "127.0.0.1";
  handle(req, res).catch(() => {
    if (!res.headersSent) res.writeHead(500).end();
  });
});
server.keepAliveTimeout = 60_000;
await new Promise<void>((resolve) => server.listen(Number(process.env.PORT ?? "0"), "127.0.0.1", resolve));
const url = `http://localhost:${(server.address() as AddressInfo).port}`;

const options = createAuthOptions({
  env: {
    ...process.env,
    AUTH_MODE: "jwks",
    BETTER_AUTH_URL: url,
    BETTER_AUTH_SECRET: randomBytes(32).toString("hex"),
    AUTH_RATE_LIMIT_MAX: "10000",
  },
});
options.rateLimit = {
  ...options.rateLimit,
  customRules: { ...options.rateLimit?.customRules, "/get-session": false },
};
await migrateAuthDatabase(options);
handle = toNodeHandler(betterAuth(options));

const shutdown = async () => {
  server.closeAllConnections();
  server.close();
  await closeAuthDatabase(options).catch(() => undefined);
  process.exit(0);
};
process.once("SIGTERM", () => void shutdown());
process.once("SIGINT", () => void shutdown());
process.stdout.write(`${JSON.stringify({ url, jwksUrl: `${url}/api/auth/jwks`, issuer: url })}\n`);
