// The same Better Auth configuration on a real PostgreSQL (a throwaway cluster from
// ../scripts/throwaway-postgres.sh, or AUTH_TEST_DATABASE_URL). Skipped only where no server is installed.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from "jose";
import { afterAll, describe, expect, it, vi } from "vitest";

import { closeAuthDatabase, migrateAuthDatabase } from "@/lib/server/auth-migrate";
import { createAuthOptions } from "@/lib/server/auth-options";
import { handleAuthRequests } from "@/lib/server/database-errors";

const ORIGIN = "http://localhost:3000";
const HELPER = path.resolve(import.meta.dirname, "../../scripts/throwaway-postgres.sh");

type Postgres = {
  url: string;
  stop: () => void;
  /** Stops the server, keeping its data and port, for the fault test; null with AUTH_TEST_DATABASE_URL. */
  halt: (() => void) | null;
  /** Starts it again after halt, on the same port with the same data. */
  resume: () => void;
};

function startPostgres(): Postgres | null {
  if (process.env.AUTH_TEST_DATABASE_URL) {
    return { url: process.env.AUTH_TEST_DATABASE_URL, stop: () => undefined, halt: null, resume: () => undefined };
  }
  if (!fs.existsSync(HELPER)) return null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "auth-pg-"));
  const started = spawnSync("bash", [HELPER, "start", dir], { encoding: "utf8" });
  if (started.status === 3 && !process.env.CI) return null; // no PostgreSQL server binaries here
  if (started.status !== 0) throw new Error(`could not start PostgreSQL: ${started.stderr}`);
  return {
    url: started.stdout.trim(),
    stop: () => {
      execFileSync("bash", [HELPER, "stop", dir]);
      fs.rmSync(dir, { recursive: true, force: true });
    },
    halt: () => execFileSync("bash", [HELPER, "stop", dir]),
    resume: () => execFileSync("bash", [HELPER, "restart", dir]),
  };
}

const postgres = startPostgres();
afterAll(() => postgres?.stop());

describe.skipIf(!postgres)("Better Auth on PostgreSQL", () => {
  it("migrates (twice, idempotently), signs a user up and issues a verifiable token", async () => {
    const options = createAuthOptions({
      env: { BETTER_AUTH_SECRET: "a-better-auth-secret-used-only-by-these-tests-0123456789", DATABASE_URL: postgres!.url },
    });
    try {
      expect(await migrateAuthDatabase(options)).toContain("created table jwks");
      const again = await getMigrations(options);
      expect([...again.toBeCreated, ...again.toBeAdded]).toEqual([]);

      const auth = betterAuth(options);
      const signUp = await auth.handler(
        new Request(`${ORIGIN}/api/auth/sign-up/email`, {
          method: "POST",
          headers: { origin: ORIGIN, "content-type": "application/json", "x-forwarded-for": "198.51.100.1" },
          body: JSON.stringify({ name: "Pg User", email: "pg@example.com", password: "correct horse battery" }),
        }),
      );
      expect(signUp.status).toBe(200);
      const cookie = signUp.headers
        .getSetCookie()
        .map((c) => c.split(";")[0])
        .join("; ");
      const tokenResponse = await auth.handler(new Request(`${ORIGIN}/api/auth/token`, { headers: { cookie } }));
      const { token } = (await tokenResponse.json()) as { token: string };
      const jwks = (await (await auth.handler(new Request(`${ORIGIN}/api/auth/jwks`))).json()) as JSONWebKeySet;
      const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), { issuer: ORIGIN, audience: ORIGIN });
      expect(payload.email).toBe("pg@example.com");
    } finally {
      await closeAuthDatabase(options);
    }
  });

  it.skipIf(!postgres?.halt)("answers 503 with Retry-After while the database is down, and serves again after", async () => {
    const options = createAuthOptions({
      env: { BETTER_AUTH_SECRET: "a-better-auth-secret-used-only-by-these-tests-0123456789", DATABASE_URL: postgres!.url },
    });
    // As app/api/auth/[...all]/route.ts serves it.
    const auth = betterAuth(options);
    const handle = handleAuthRequests(() => auth);
    const call = (pathname: string, init: { body?: unknown; cookie?: string } = {}) =>
      handle(
        new Request(`${ORIGIN}/api/auth${pathname}`, {
          method: init.body === undefined ? "GET" : "POST",
          headers: {
            origin: ORIGIN,
            "x-forwarded-for": "198.51.100.2",
            ...(init.body === undefined ? {} : { "content-type": "application/json" }),
            ...(init.cookie ? { cookie: init.cookie } : {}),
          },
          body: init.body === undefined ? undefined : JSON.stringify(init.body),
        }),
      );
    const credentials = { email: "down@example.com", password: "correct horse battery" };
    const warnings = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      await migrateAuthDatabase(options);
      const signUp = await call("/sign-up/email", { body: { name: "Down", ...credentials } });
      expect(signUp.status).toBe(200);
      const cookie = signUp.headers
        .getSetCookie()
        .map((c) => c.split(";")[0])
        .join("; ");

      postgres!.halt!();
      // Rate-limited paths fail in the limiter, before any endpoint; /token's session lookup fails
      // inside Better Auth, which wraps the error; the health check needs no database at all.
      for (const [pathname, init] of [
        ["/sign-in/email", { body: credentials }],
        ["/get-session", { cookie }],
        ["/token", { cookie }],
      ] as const) {
        const response = await call(pathname, init);
        expect(response.status, pathname).toBe(503);
        expect(response.headers.get("retry-after"), pathname).toBe("2");
        expect(await response.json(), pathname).toMatchObject({ code: "SERVICE_UNAVAILABLE" });
      }
      expect((await call("/ok")).status).toBe(200);
      expect(warnings.mock.calls.flat().join("\n")).toContain("database is unavailable");

      postgres!.resume();
      await vi.waitFor(async () => expect((await call("/token", { cookie })).status).toBe(200), { timeout: 20_000, interval: 250 });
      expect((await call("/sign-in/email", { body: credentials })).status).toBe(200);
    } finally {
      warnings.mockRestore();
      await closeAuthDatabase(options);
    }
  });

  it.skipIf(!postgres?.halt)("renders a page for a visitor without a session cookie while the database is down", async () => {
    // A fresh instance, as in a replica that starts during the outage: its first use would run
    // Better Auth's schema check against the database.
    vi.resetModules();
    vi.stubEnv("DATABASE_URL", postgres!.url);
    vi.stubEnv("BETTER_AUTH_SECRET", "a-better-auth-secret-used-only-by-these-tests-0123456789");
    const { getPageSession } = await import("@/lib/server/auth");
    postgres!.halt!();
    try {
      expect(await getPageSession(new Headers())).toBeNull();
      // With a session cookie the session is looked up, and that needs the database.
      await expect(getPageSession(new Headers({ cookie: "better-auth.session_token=abc.def" }))).rejects.toThrow();
    } finally {
      postgres!.resume();
      vi.unstubAllEnvs();
    }
  });
});
