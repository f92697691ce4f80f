// A real Better Auth server for other test suites (e.g. the backend's): the app's own configuration
// (lib/server/auth-options.ts) served by plain Node http on 127.0.0.1, on a fresh database, migrated on start.
//
// Env: PORT (0 = any free port), AUTH_MODE, JWT_SECRET, BETTER_AUTH_SECRET (random if unset),
// DATABASE_URL (default: a new SQLite file in a temp dir), JWT_EXPIRATION_TIME, BETTER_AUTH_URL
// (default http://localhost:<port>, the tokens' iss and aud), AUTH_RATE_LIMIT_MAX (default 10000 here).
// When ready it prints one JSON line to stdout, {"url","jwksUrl","issuer"}; everything else goes to stderr.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";

// stdout carries exactly one line (the JSON handshake): send every log, Better Auth's included, to stderr.
console.log = console.error;
console.info = console.error;
console.warn = console.error;
console.debug = console.error;

const { betterAuth } = await import("better-auth");
const { toNodeHandler } = await import("better-auth/node");
const { createAuthOptions } = await import("../lib/server/auth-options");
const { closeAuthDatabase, migrateAuthDatabase } = await import("../lib/server/auth-migrate");
const { handleAuthRequests } = await import("../lib/server/database-errors");

const requestedPort = Number(process.env.PORT ?? "0");
if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) {
  console.error(`PORT must be a port number (0 picks a free one), not "${process.env.PORT}".`);
  process.exit(2);
}

let handle: ((req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>) | null = null;

const server = http.createServer((req, res) => {
  if (!handle) {
    res.writeHead(503, { "content-type": "application/json" }).end('{"message":"starting"}');
    return;
  }
  // Like a reverse proxy: the client address comes from the socket, never from the client.
  req.headers["x-forwarded-for"] = req.socket.remoteAddress ?? "127.0.0.1";
  handle(req, res).catch((error: unknown) => {
    console.error("auth-issuer: request failed:", error instanceof Error ? error.message : error);
    if (!res.headersSent) res.writeHead(500).end();
  });
});

await new Promise<void>((resolve, reject) => {
  server.once("error", reject);
  server.listen(requestedPort, "127.0.0.1", () => resolve());
});
const port = (server.address() as AddressInfo).port;
const url = `http://localhost:${port}`;

let tempDir: string | null = null;
const env: Record<string, string | undefined> = { ...process.env };
env.BETTER_AUTH_URL ||= url;
env.BETTER_AUTH_SECRET ||= randomBytes(32).toString("hex");
env.AUTH_RATE_LIMIT_MAX ||= "10000";
if (!env.DATABASE_URL) {
  tempDir = fs.mkdtempSync(path.join(os.tmpdir(), "auth-issuer-"));
  env.DATABASE_URL = `file:${path.join(tempDir, "auth.db")}`;
}

let options: ReturnType<typeof createAuthOptions> | null = null;

async function shutdown(code: number): Promise<never> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (options) await closeAuthDatabase(options).catch(() => undefined);
  if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true });
  process.exit(code);
}

process.once("SIGTERM", () => void shutdown(0));
process.once("SIGINT", () => void shutdown(0));

try {
  options = createAuthOptions({ env, extraTrustedOrigins: [url] });
  await migrateAuthDatabase(options);
  const auth = betterAuth(options);
  handle = toNodeHandler(handleAuthRequests(() => auth));
} catch (error) {
  console.error("auth-issuer: cannot start:", error instanceof Error ? error.message : error);
  await shutdown(1);
}

const issuer = new URL(env.BETTER_AUTH_URL ?? url).origin;
process.stdout.write(
  `${JSON.stringify({ url, jwksUrl: `${url}/api/auth/jwks`, issuer })}\n`,
);
console.error(`auth-issuer: serving ${url} (AUTH_MODE=${env.AUTH_MODE || "jwks"})`);
