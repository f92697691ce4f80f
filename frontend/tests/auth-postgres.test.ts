// The same Better Auth configuration on a real PostgreSQL (a throwaway cluster from
// ../scripts/throwaway-postgres.sh, or AUTH_TEST_DATABASE_URL). Skipped only where no server is installed.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from "jose";
import { afterAll, describe, expect, it } from "vitest";

import { closeAuthDatabase, migrateAuthDatabase } from "@/lib/server/auth-migrate";
import { createAuthOptions } from "@/lib/server/auth-options";

const ORIGIN = "http://localhost:3000";
const HELPER = path.resolve(import.meta.dirname, "../../scripts/throwaway-postgres.sh");

function startPostgres(): { url: string; stop: () => void } | null {
  if (process.env.AUTH_TEST_DATABASE_URL) return { url: process.env.AUTH_TEST_DATABASE_URL, stop: () => undefined };
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
});
