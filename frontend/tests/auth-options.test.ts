// The real Better Auth configuration (lib/server/auth-options.ts) on a throwaway SQLite file: no mocks.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { betterAuth } from "better-auth";
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from "jose";
import { afterEach, describe, expect, it } from "vitest";

import { closeAuthDatabase, migrateAuthDatabase } from "@/lib/server/auth-migrate";
import { AuthConfigError, createAuthOptions, parseDatabaseUrl, type AuthEnv } from "@/lib/server/auth-options";

const ORIGIN = "http://localhost:3000";
const BETTER_AUTH_SECRET = "a-better-auth-secret-used-only-by-these-tests-0123456789";
const JWT_SECRET = "a-jwt-secret-shared-with-the-backend-0123456789abcdef";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

let ipCounter = 0;
/** A client address of its own, so tests do not share rate-limit buckets. */
const freshIp = () => `203.0.113.${++ipCounter}`;

async function startAuth(env: AuthEnv = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "auth-test-"));
  const options = createAuthOptions({
    env: { BETTER_AUTH_SECRET, DATABASE_URL: `file:${path.join(dir, "auth.db")}`, ...env },
  });
  cleanups.push(async () => {
    await closeAuthDatabase(options);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  await migrateAuthDatabase(options);
  const auth = betterAuth(options);

  const call = (pathname: string, init: { method?: string; body?: unknown; ip?: string | null; cookie?: string } = {}) => {
    const headers = new Headers({ origin: ORIGIN });
    if (init.body !== undefined) headers.set("content-type", "application/json");
    if (init.ip !== null) headers.set("x-forwarded-for", init.ip ?? freshIp());
    if (init.cookie) headers.set("cookie", init.cookie);
    return auth.handler(
      new Request(`${ORIGIN}/api/auth${pathname}`, {
        method: init.method ?? (init.body === undefined ? "GET" : "POST"),
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      }),
    );
  };

  const signUp = (password = "correct horse battery", ip?: string) =>
    call("/sign-up/email", {
      body: { name: "Test User", email: `u${Math.random().toString(36).slice(2)}@example.com`, password },
      ip,
    });

  /** Signs a user up and returns a token from GET /api/auth/token, as the browser does. */
  async function issueToken() {
    const signedUp = await signUp();
    expect(signedUp.status).toBe(200);
    const { user } = (await signedUp.json()) as { user: { id: string; email: string } };
    const cookie = signedUp.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const response = await call("/token", { cookie });
    expect(response.status).toBe(200);
    const { token } = (await response.json()) as { token: string };
    return { token, user };
  }

  return { auth, options, call, signUp, issueToken };
}

describe("configuration from the environment", () => {
  it("refuses shared-secret mode without a JWT_SECRET of at least 32 bytes", () => {
    for (const secret of [undefined, "", "x".repeat(31)]) {
      expect(() =>
        createAuthOptions({ env: { AUTH_MODE: "shared-secret", JWT_SECRET: secret, BETTER_AUTH_SECRET } }),
      ).toThrow(/JWT_SECRET must be at least 32 bytes/);
    }
  });

  it("refuses shared-secret mode when JWT_SECRET equals BETTER_AUTH_SECRET", () => {
    expect(() =>
      createAuthOptions({
        env: { AUTH_MODE: "shared-secret", JWT_SECRET: BETTER_AUTH_SECRET, BETTER_AUTH_SECRET },
      }),
    ).toThrow(/must differ from BETTER_AUTH_SECRET/);
  });

  it("refuses unknown modes, malformed URLs and token lifetimes", () => {
    expect(() => createAuthOptions({ env: { AUTH_MODE: "hs256" } })).toThrow(AuthConfigError);
    expect(() => createAuthOptions({ env: { BETTER_AUTH_URL: "http://localhost:3000/app" } })).toThrow(/origin/);
    expect(() => createAuthOptions({ env: { JWT_EXPIRATION_TIME: "soon" } })).toThrow(/JWT_EXPIRATION_TIME/);
    expect(() => createAuthOptions({ env: { AUTH_RATE_LIMIT_MAX: "0" } })).toThrow(/AUTH_RATE_LIMIT_MAX/);
  });

  it("reads DATABASE_URL as SQLite by default and Postgres for postgres URLs", () => {
    expect(parseDatabaseUrl(undefined, "/srv/app")).toEqual({ kind: "sqlite", file: "/srv/app/.data/auth.db" });
    expect(parseDatabaseUrl("file:./x/auth.db", "/srv/app")).toEqual({ kind: "sqlite", file: "/srv/app/x/auth.db" });
    expect(parseDatabaseUrl("file:///srv/db/auth.db", "/srv/app")).toEqual({ kind: "sqlite", file: "/srv/db/auth.db" });
    expect(parseDatabaseUrl("sqlite:///rel.db", "/srv/app")).toEqual({ kind: "sqlite", file: "/srv/app/rel.db" });
    expect(parseDatabaseUrl("sqlite:////abs/auth.db", "/srv/app")).toEqual({ kind: "sqlite", file: "/abs/auth.db" });
    expect(parseDatabaseUrl("postgresql://u:p@db/app")).toEqual({ kind: "postgres", connectionString: "postgresql://u:p@db/app" });
    expect(parseDatabaseUrl("postgres://u:p@db/app")).toEqual({ kind: "postgres", connectionString: "postgresql://u:p@db/app" });
    expect(parseDatabaseUrl("postgresql+psycopg://u:p@db/app?sslmode=require")).toEqual({
      kind: "postgres",
      connectionString: "postgresql://u:p@db/app?sslmode=require",
    });
    expect(() => parseDatabaseUrl("mysql://u:secret@db/app")).toThrow(/^(?!.*secret)/);
  });
});

describe("passwords", () => {
  it("accepts 8 to 128 characters and refuses 7 and 129", async () => {
    const { signUp } = await startAuth({ AUTH_RATE_LIMIT_MAX: "100" });

    const tooShort = await signUp("x".repeat(7));
    expect(tooShort.status).toBe(400);
    expect(await tooShort.json()).toMatchObject({ code: "PASSWORD_TOO_SHORT" });

    const tooLong = await signUp("x".repeat(129));
    expect(tooLong.status).toBe(400);
    expect(await tooLong.json()).toMatchObject({ code: "PASSWORD_TOO_LONG" });

    expect((await signUp("x".repeat(8))).status).toBe(200);
    expect((await signUp("x".repeat(128))).status).toBe(200);
  });
});

describe("rate limiting", () => {
  it("limits sign-in per client, also for direct connections without a forwarding header", async () => {
    const { call } = await startAuth();
    const attempt = (ip: string | null) =>
      call("/sign-in/email", { body: { email: "nobody@example.com", password: "wrong password" }, ip });

    const direct = [];
    for (let i = 0; i < 6; i++) direct.push((await attempt(null)).status);
    expect(direct.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(direct[5]).toBe(429);

    // Another client is not locked out by the first one.
    expect((await attempt(freshIp())).status).toBe(401);
  });

  it("never cuts off token requests from one busy address (an office, a test run)", async () => {
    const { call, signUp } = await startAuth();
    const ip = freshIp();
    const response = await signUp(undefined, ip);
    const cookie = response.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    // Better Auth's default limit is 100 per 10 s, and its window restarts only after 10 quiet seconds.
    for (let i = 0; i < 150; i++) {
      expect((await call("/token", { ip, cookie })).status, `request ${i + 1}`).toBe(200);
    }
  });

  it("keeps the counters in the database, so replicas sharing it share the limit", async () => {
    const { call, options } = await startAuth();
    const ip = freshIp();
    for (let i = 0; i < 2; i++) {
      await call("/sign-in/email", { body: { email: "nobody@example.com", password: "wrong password" }, ip });
    }
    const db = options.database as import("better-sqlite3").Database;
    const rows = db.prepare("SELECT key, count FROM rateLimit WHERE key LIKE ?").all(`${ip}|%`);
    expect(rows).toEqual([{ key: `${ip}|/sign-in/email`, count: 2 }]);
  });

  it("limits sign-up too", async () => {
    const { signUp } = await startAuth();
    const ip = freshIp();
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await signUp(undefined, ip)).status);
    expect(statuses.slice(0, 5).every((s) => s === 200)).toBe(true);
    expect(statuses[5]).toBe(429);
  });

  it("AUTH_RATE_LIMIT_MAX raises the limit for test harnesses", async () => {
    const { call } = await startAuth({ AUTH_RATE_LIMIT_MAX: "20" });
    const ip = freshIp();
    const statuses = [];
    for (let i = 0; i < 21; i++) {
      statuses.push((await call("/sign-in/email", { body: { email: "a@example.com", password: "wrong password" }, ip })).status);
    }
    expect(statuses.filter((s) => s === 429)).toEqual([429]);
    expect(statuses[20]).toBe(429);
  });
});

describe("tokens for the backend", () => {
  it("jwks mode: EdDSA with a kid, verifiable with the published JWKS, carrying only what the backend needs", async () => {
    const { call, issueToken } = await startAuth();
    const { token, user } = await issueToken();

    const header = decodeProtectedHeader(token);
    expect(header.alg).toBe("EdDSA");
    expect(header.kid).toEqual(expect.any(String));

    const jwks = (await (await call("/jwks")).json()) as JSONWebKeySet;
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), {
      algorithms: ["EdDSA"],
      issuer: ORIGIN,
      audience: ORIGIN,
    });
    expect(payload.sub).toBe(user.id);
    expect(payload.exp! - payload.iat!).toBe(15 * 60);
    expect(Object.keys(payload).sort()).toEqual(["aud", "email", "exp", "iat", "id", "iss", "name", "sid", "sub"]);
    expect(payload).toMatchObject({ id: user.id, email: user.email, name: "Test User" });
  });

  it("shared-secret mode: HS256 signed with JWT_SECRET, same claims, and no JWKS published", async () => {
    const { call, issueToken } = await startAuth({ AUTH_MODE: "shared-secret", JWT_SECRET });
    const { token, user } = await issueToken();

    expect(decodeProtectedHeader(token)).toEqual({ alg: "HS256", typ: "JWT" });
    const { payload } = await jwtVerify(token, new TextEncoder().encode(JWT_SECRET), {
      algorithms: ["HS256"],
      issuer: ORIGIN,
      audience: ORIGIN,
    });
    expect(payload.sub).toBe(user.id);
    expect(payload.exp! - payload.iat!).toBe(15 * 60);
    expect(Object.keys(payload).sort()).toEqual(["aud", "email", "exp", "iat", "id", "iss", "name", "sid", "sub"]);

    await expect(jwtVerify(token, new TextEncoder().encode(BETTER_AUTH_SECRET))).rejects.toThrow();
    expect((await call("/jwks")).status).toBe(404);
  });

  it("AUTH_JWKS_ROTATION_INTERVAL rotates the signing key and keeps the old public key published", async () => {
    const { call, issueToken } = await startAuth({ AUTH_JWKS_ROTATION_INTERVAL: "1", AUTH_JWKS_GRACE_PERIOD: "3600" });
    const first = await issueToken();
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const second = await issueToken();

    const [kid1, kid2] = [decodeProtectedHeader(first.token).kid, decodeProtectedHeader(second.token).kid];
    expect(kid2).not.toBe(kid1);
    const jwks = (await (await call("/jwks")).json()) as JSONWebKeySet;
    expect(jwks.keys.map((k) => k.kid)).toEqual(expect.arrayContaining([kid1, kid2]));
    for (const { token } of [first, second]) {
      await expect(jwtVerify(token, createLocalJWKSet(jwks), { issuer: ORIGIN, audience: ORIGIN })).resolves.toBeTruthy();
    }
  });

  it("JWT_EXPIRATION_TIME shortens the token lifetime", async () => {
    const { issueToken } = await startAuth({ JWT_EXPIRATION_TIME: "20s" });
    const { token } = await issueToken();
    const claims = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as { iat: number; exp: number };
    expect(claims.exp - claims.iat).toBe(20);
  });
});
