// Browser side: how many token fetches the frontend's own API client (lib/api-client.ts with
// lib/token-cache.ts) makes per 100 API calls. A local HTTP server plays both parts: a counting token
// endpoint (like GET /api/auth/token, 15-minute tokens) and a backend that accepts only unexpired
// tokens it minted. Time is simulated (the client's clock and the server's are one variable), so an
// hour of use runs in a moment. Prints one JSON object.
import http from "node:http";
import type { AddressInfo } from "node:net";

import { createApiClient } from "../../frontend/lib/api-client";
import { createTokenCache } from "../../frontend/lib/token-cache";

const LIFETIME_S = 15 * 60;
const USER = "bench-user";

let clockMs = Date.now();
let tokenFetches = 0;
let serial = 0;
let refuseNext = 0; // the backend refuses this many more valid tokens (e.g. after a key rotation)
const minted = new Map<string, number>(); // token -> exp (s)

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

const server = http.createServer((req, res) => {
  if (req.url === "/api/auth/token") {
    tokenFetches += 1;
    const iat = Math.floor(clockMs / 1000);
    const token = `${b64({ alg: "EdDSA", kid: "k" })}.${b64({ sub: USER, iat, exp: iat + LIFETIME_S, n: serial++ })}.sig`;
    minted.set(token, iat + LIFETIME_S);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token }));
    return;
  }
  const token = (req.headers.authorization ?? "").replace(/^Bearer /, "");
  const exp = minted.get(token);
  if (exp === undefined || exp * 1000 <= clockMs || refuseNext > 0) {
    if (exp !== undefined && refuseNext > 0) refuseNext -= 1;
    res.writeHead(401, { "content-type": "application/json" }).end('{"detail":"invalid token"}');
    return;
  }
  res.writeHead(200, { "content-type": "application/json" }).end('{"items":[],"total":0}');
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

let unauthenticated = 0;
let failures = 0;

function freshClient() {
  const tokens = createTokenCache({
    now: () => clockMs,
    async fetchToken() {
      const response = await fetch(`${base}/api/auth/token`);
      return ((await response.json()) as { token: string }).token;
    },
  });
  return createApiClient({ baseUrl: base, tokens, onUnauthenticated: () => (unauthenticated += 1) });
}

async function call(api: ReturnType<typeof freshClient>) {
  const { response } = await api.GET("/api/{user_id}/tasks", { params: { path: { user_id: USER } } });
  if (response.status !== 200) failures += 1;
}

type Scenario = { name: string; calls: number; spanMinutes: number; fetches: number; perLifetime: number };
const scenarios: Scenario[] = [];

async function scenario(name: string, calls: number, spanMinutes: number, run: () => Promise<void>) {
  tokenFetches = 0;
  await run();
  const lifetimes = Math.max(1, (spanMinutes * 60) / LIFETIME_S);
  scenarios.push({ name, calls, spanMinutes, fetches: tokenFetches, perLifetime: tokenFetches / lifetimes });
}

// 1. A page's worth of work: 100 calls one after another within one token lifetime.
await scenario("100 sequential calls, within one token lifetime", 100, 1, async () => {
  const api = freshClient();
  for (let i = 0; i < 100; i += 1) {
    await call(api);
    clockMs += 500;
  }
});

// 2. A cold start with 100 calls in flight at once (one in-flight fetch must be shared).
await scenario("100 concurrent calls, cold start", 100, 0, async () => {
  const api = freshClient();
  await Promise.all(Array.from({ length: 100 }, () => call(api)));
});

// 3. A long session: 100 calls spread evenly over an hour (four token lifetimes).
await scenario("100 calls spread over 60 minutes", 100, 60, async () => {
  const api = freshClient();
  for (let i = 0; i < 100; i += 1) {
    await call(api);
    clockMs += 36_000;
  }
});

// 4. A busy hour: 1,000 calls over 60 minutes, reported per 100 calls.
await scenario("1,000 calls spread over 60 minutes", 1000, 60, async () => {
  const api = freshClient();
  for (let i = 0; i < 1000; i += 1) {
    await call(api);
    clockMs += 3_600;
  }
});

// 5. The backend refuses a valid token once (e.g. its keys rotated): one retry with a fresh token.
await scenario("100 calls, one 401 from the backend midway", 100, 1, async () => {
  const api = freshClient();
  for (let i = 0; i < 100; i += 1) {
    if (i === 50) refuseNext = 1;
    await call(api);
    clockMs += 500;
  }
});

server.close();
process.stdout.write(
  `${JSON.stringify({ lifetimeSeconds: LIFETIME_S, scenarios, failedCalls: failures, sentToLogin: unauthenticated })}\n`,
);
