// The revocation feed and the account flows that end sessions, on the real Better Auth
// configuration (lib/auth-options.ts) and a throwaway SQLite file: no mocks.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { betterAuth } from "better-auth";
import { createLocalJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet, type JWTPayload } from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";

import { closeAuthDatabase, migrateAuthDatabase } from "@/lib/server/auth-migrate";
import { createAuthOptions, type AuthEnv } from "@/lib/server/auth-options";
import type { Email } from "@/lib/server/mailer";
import { FEED_PAGE_SIZE, revocationFeedAudience, type RevocationFeedClaims } from "@/lib/server/revocation-feed";

const ORIGIN = "http://localhost:3000";
const BETTER_AUTH_SECRET = "a-better-auth-secret-used-only-by-these-tests-0123456789";
const JWT_SECRET = "a-jwt-secret-shared-with-the-backend-0123456789abcdef";
const PASSWORD = "correct horse battery";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

let ipCounter = 0;
const freshIp = () => `198.51.100.${++ipCounter}`;
const nonce = () => Math.random().toString(36).slice(2).padEnd(16, "x") + Date.now().toString(36);
const cookieOf = (response: Response) =>
  response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");

async function startAuth(env: AuthEnv = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "feed-test-"));
  const outbox: Email[] = [];
  const options = createAuthOptions({
    env: { BETTER_AUTH_SECRET, DATABASE_URL: `file:${path.join(dir, "auth.db")}`, AUTH_RATE_LIMIT_MAX: "100", ...env },
    sendEmail: async (email) => void outbox.push(email),
  });
  cleanups.push(async () => {
    await closeAuthDatabase(options);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  await migrateAuthDatabase(options);
  const auth = betterAuth(options);

  const call = (pathname: string, init: { body?: unknown; cookie?: string; ip?: string } = {}) => {
    const headers = new Headers({ origin: ORIGIN, "x-forwarded-for": init.ip ?? freshIp() });
    if (init.body !== undefined) headers.set("content-type", "application/json");
    if (init.cookie) headers.set("cookie", init.cookie);
    return auth.handler(
      new Request(`${ORIGIN}/api/auth${pathname}`, {
        method: init.body === undefined ? "GET" : "POST",
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      }),
    );
  };

  async function signUp() {
    const email = `u${Math.random().toString(36).slice(2)}@example.com`;
    const response = await call("/sign-up/email", { body: { name: "Feed User", email, password: PASSWORD } });
    expect(response.status).toBe(200);
    const { user } = (await response.json()) as { user: { id: string } };
    return { email, userId: user.id, cookie: cookieOf(response) };
  }

  async function signIn(email: string, password = PASSWORD) {
    const response = await call("/sign-in/email", { body: { email, password } });
    return { status: response.status, cookie: cookieOf(response) };
  }

  async function tokenClaims(cookie: string): Promise<JWTPayload> {
    const response = await call("/token", { cookie });
    expect(response.status).toBe(200);
    return decodeJwt(((await response.json()) as { token: string }).token);
  }

  async function verifyFeedToken(token: string): Promise<JWTPayload & RevocationFeedClaims> {
    const check = { issuer: ORIGIN, audience: revocationFeedAudience(ORIGIN) };
    if (env.AUTH_MODE === "shared-secret") {
      return (await jwtVerify(token, new TextEncoder().encode(JWT_SECRET), { ...check, algorithms: ["HS256"] }))
        .payload as JWTPayload & RevocationFeedClaims;
    }
    const jwks = (await (await call("/jwks")).json()) as JSONWebKeySet;
    return (await jwtVerify(token, createLocalJWKSet(jwks), { ...check, algorithms: ["EdDSA"] })).payload as JWTPayload &
      RevocationFeedClaims;
  }

  async function feed(since = 0, n = nonce()) {
    const response = await call(`/revocations?since=${since}&nonce=${n}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const { token } = (await response.json()) as { token: string };
    const claims = await verifyFeedToken(token);
    expect(claims.nonce).toBe(n);
    return claims;
  }

  const revokedSessions = async (since = 0) => (await feed(since)).sessions.map(([sid]) => sid);

  return { auth, call, signUp, signIn, tokenClaims, feed, revokedSessions, outbox };
}

describe.each(["jwks", "shared-secret"] as const)("revocation feed (%s)", (mode) => {
  const env: AuthEnv = mode === "shared-secret" ? { AUTH_MODE: mode, JWT_SECRET } : {};

  it("names the session in sid and lists it once the session is signed out", async () => {
    const app = await startAuth(env);
    const { cookie } = await app.signUp();
    const claims = await app.tokenClaims(cookie);
    const session = (await (await app.call("/get-session", { cookie })).json()) as { session: { id: string; token: string } };
    expect(claims.sid).toBe(session.session.id);
    expect(claims.sid).not.toBe(session.session.token);

    expect(await app.revokedSessions()).not.toContain(claims.sid);
    expect((await app.call("/sign-out", { body: {}, cookie })).status).toBe(200);
    expect(await app.revokedSessions()).toContain(claims.sid);
  });

  it("is a message with its own audience, fresh, complete, and a cursor that moves on", async () => {
    const app = await startAuth(env);
    const before = Date.now();
    const message = await app.feed();
    expect(message.aud).toBe(revocationFeedAudience(ORIGIN));
    expect(message.aud).not.toBe(ORIGIN);
    expect(message.sid).toBeUndefined();
    expect(message.exp! - message.iat!).toBeLessThanOrEqual(60);
    expect(message.complete).toBe(true);
    expect(message.cursor).toBeGreaterThanOrEqual(before - 5_000);

    const { cookie } = await app.signUp();
    const { sid } = await app.tokenClaims(cookie);
    await app.call("/sign-out", { body: {}, cookie });
    // From the previous cursor on: the new entry is there; from a later one, it is not.
    expect(await app.revokedSessions(message.cursor)).toContain(sid);
    expect(await app.revokedSessions(Date.now() + 60_000)).not.toContain(sid);
  });

  it("pages through more ended sessions than a page holds, also when they ended in the same millisecond", async () => {
    const app = await startAuth(env);
    const { adapter } = await app.auth.$context;
    const together = new Date(Date.now() - 2_000);
    const expected: string[] = [];
    for (let i = 0; i < FEED_PAGE_SIZE + 200; i++) {
      const subjectId = `bulk-${i}`;
      expected.push(subjectId);
      await adapter.create({ model: "revocation", data: { kind: "session", subjectId, revokedAt: together } });
    }
    for (let i = 0; i < 5; i++) {
      const subjectId = `later-${i}`;
      expected.push(subjectId);
      await adapter.create({ model: "revocation", data: { kind: "session", subjectId, revokedAt: new Date(together.getTime() + 1 + i) } });
    }
    const seen = new Set<string>();
    let since = 0;
    for (let polls = 1; ; polls++) {
      expect(polls, "the poller reaches the end").toBeLessThanOrEqual(4);
      const message = await app.feed(since);
      for (const [sid] of message.sessions) seen.add(sid);
      if (message.complete) break;
      expect(message.cursor, "an incomplete page moves the cursor on").toBeGreaterThan(since);
      since = message.cursor;
    }
    expect(expected.filter((sid) => !seen.has(sid))).toEqual([]);
  });

  it("answers a steady poller from one address for good (Better Auth's limiter would cut it off)", async () => {
    const app = await startAuth(env);
    const ip = freshIp();
    // Past 600 polls, the limit this feed once had: two backends polling every second reached it in 5 minutes.
    for (let i = 0; i < 650; i++) {
      const response = await app.call(`/revocations?since=0&nonce=${nonce()}`, { ip });
      expect(response.status, `poll ${i + 1}`).toBe(200);
    }
  });

  it("refuses a poll without a proper nonce or cursor", async () => {
    const app = await startAuth(env);
    for (const query of ["", "?nonce=short", "?nonce=has%20spaces%20in%20it!!", `?since=-1&nonce=${nonce()}`, `?since=soon&nonce=${nonce()}`]) {
      expect((await app.call(`/revocations${query}`)).status, query).toBe(400);
    }
  });

  it("lists every session of a user when revoked from another one, and after a password change", async () => {
    const app = await startAuth(env);
    const { email, cookie } = await app.signUp();
    const first = await app.tokenClaims(cookie);
    const other = await app.signIn(email);
    const second = await app.tokenClaims(other.cookie);

    // "Revoke" one session from the account page (by its token, as listSessions gives it).
    const sessions = (await (await app.call("/list-sessions", { cookie })).json()) as { id: string; token: string }[];
    const target = sessions.find((s) => s.id === second.sid)!;
    expect((await app.call("/revoke-session", { body: { token: target.token }, cookie })).status).toBe(200);
    expect(await app.revokedSessions()).toContain(second.sid);

    // "Sign out everywhere else".
    const third = await app.signIn(email);
    const thirdClaims = await app.tokenClaims(third.cookie);
    expect((await app.call("/revoke-other-sessions", { body: {}, cookie })).status).toBe(200);
    expect(await app.revokedSessions()).toContain(thirdClaims.sid);
    expect(await app.revokedSessions()).not.toContain(first.sid);

    // Change password (ends the other sessions; Better Auth also replaces this one).
    const fourth = await app.signIn(email);
    const fourthClaims = await app.tokenClaims(fourth.cookie);
    const changed = await app.call("/change-password", {
      body: { currentPassword: PASSWORD, newPassword: "a new password 123", revokeOtherSessions: true },
      cookie,
    });
    expect(changed.status).toBe(200);
    const revoked = await app.revokedSessions();
    expect(revoked).toContain(fourthClaims.sid);
    expect(revoked).toContain(first.sid);
    const renewed = await app.tokenClaims(cookieOf(changed));
    expect(revoked).not.toContain(renewed.sid);
  });

  it("lists a deleted user and every one of its sessions", async () => {
    const app = await startAuth(env);
    const { userId, cookie } = await app.signUp();
    const { sid } = await app.tokenClaims(cookie);
    const wrong = await app.call("/delete-user", { body: { password: "not the password" }, cookie });
    expect(wrong.status).toBe(400);
    // Better Auth alone would delete a fresh session's account without one; the app never does.
    for (const body of [{}, { password: "" }]) {
      const without = await app.call("/delete-user", { body, cookie });
      expect(without.status).toBe(400);
      expect(await without.json()).toMatchObject({ code: "PASSWORD_REQUIRED" });
    }
    expect((await app.feed()).users).toEqual([]);
    expect(await (await app.call("/get-session", { cookie })).json()).toMatchObject({ user: { id: userId } });

    expect((await app.call("/delete-user", { body: { password: PASSWORD }, cookie })).status).toBe(200);
    const message = await app.feed();
    expect(message.users.map(([id]) => id)).toEqual([userId]);
    expect(message.sessions.map(([id]) => id)).toContain(sid);
  });
});

describe("password reset", () => {
  const linkOf = (email: Email) => {
    const url = new URL(email.link);
    return url.pathname.replace(/^\/api\/auth/, "") + url.search;
  };

  it("mails a link that resets once, within an hour, and ends every session", async () => {
    const app = await startAuth();
    const { email, cookie } = await app.signUp();
    const { sid } = await app.tokenClaims(cookie);

    const unknown = await app.call("/request-password-reset", { body: { email: "nobody@example.com", redirectTo: "/reset-password" } });
    const known = await app.call("/request-password-reset", { body: { email, redirectTo: "/reset-password" } });
    expect(known.status).toBe(unknown.status);
    expect(await known.json()).toEqual(await unknown.json());
    await expect.poll(() => app.outbox.length).toBe(1);
    const [message] = app.outbox;
    expect(message!.to).toBe(email);
    expect(message!.text).toContain(message!.link);

    // The link leads to /reset-password with the token (Better Auth's callback checks it first).
    const callback = await app.call(linkOf(message!));
    expect(callback.status).toBe(302);
    const landing = new URL(callback.headers.get("location")!, ORIGIN);
    expect(landing.pathname).toBe("/reset-password");
    const token = landing.searchParams.get("token")!;
    expect(token).toBeTruthy();
    const context = await app.auth.$context;
    const [stored] = await context.adapter.findMany<{ identifier: string; expiresAt: Date }>({
      model: "verification",
      where: [{ field: "identifier", value: `reset-password:${token}` }],
    });
    const lifetime = new Date(stored!.expiresAt).getTime() - Date.now();
    expect(lifetime).toBeGreaterThan(3590_000);
    expect(lifetime).toBeLessThanOrEqual(3600_000);

    const reset = await app.call("/reset-password", { body: { token, newPassword: "brand new password" } });
    expect(reset.status).toBe(200);
    expect(await app.revokedSessions()).toContain(sid);
    expect(await (await app.call("/get-session", { cookie })).json()).toBeNull();
    expect((await app.signIn(email)).status).toBe(401);
    expect((await app.signIn(email, "brand new password")).status).toBe(200);

    const again = await app.call("/reset-password", { body: { token, newPassword: "another password" } });
    expect(again.status).toBe(400);
  });

  it("rate limits reset requests per client", async () => {
    const app = await startAuth();
    const ip = "192.0.2.77";
    const statuses = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await app.call("/request-password-reset", { body: { email: "x@example.com" }, ip })).status);
    }
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses.slice(3)).toEqual([429, 429]);
  });

  it("rate limits resets per client (Better Auth's default would allow 100 in 10 s)", async () => {
    const app = await startAuth();
    const ip = "192.0.2.78";
    const statuses = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await app.call("/reset-password", { body: { token: `guess-${i}`, newPassword: "brand new password" }, ip })).status);
    }
    expect(statuses).toEqual([400, 400, 400, 429, 429]);
  });
});

describe("email verification (REQUIRE_EMAIL_VERIFICATION=true)", () => {
  it("mails a link at sign-up and refuses to sign in until it has been opened", async () => {
    const { call, signIn, outbox } = await startAuth({ REQUIRE_EMAIL_VERIFICATION: "true" });
    const email = `v${Math.random().toString(36).slice(2)}@example.com`;
    const signedUp = await call("/sign-up/email", { body: { name: "Verify Me", email, password: PASSWORD } });
    expect(signedUp.status).toBe(200);
    await vi.waitFor(() => expect(outbox.find((m) => m.to === email)).toBeDefined());
    expect((await signIn(email)).status).toBe(403);

    const link = new URL(outbox.find((m) => m.to === email)!.link);
    expect(link.pathname).toBe("/api/auth/verify-email");
    const verified = await call(`/verify-email${link.search}`);
    expect(verified.status).toBeLessThan(400);
    expect((await signIn(email)).status).toBe(200);
  });
});
