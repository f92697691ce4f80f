// The standalone issuer other suites start: its one-line handshake, real HTTP sign-up and token, clean exit.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import readline from "node:readline";

import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { afterEach, describe, expect, it } from "vitest";

const FRONTEND = path.resolve(import.meta.dirname, "..");
const TSX = path.join(FRONTEND, "node_modules/.bin/tsx");
const JWT_SECRET = "issuer-test-shared-secret-0123456789abcdef";

type Handshake = { url: string; jwksUrl: string; issuer: string };

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

async function startIssuer(env: Record<string, string>) {
  // As another suite would start it: no NODE_ENV from Vitest, its own temporary database.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== "NODE_ENV"));
  const childEnv = { ...inherited, DATABASE_URL: "", PORT: "0", ...env } as unknown as NodeJS.ProcessEnv;
  const child = spawn(TSX, ["scripts/auth-issuer.ts"], { cwd: FRONTEND, env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
  running.push(child);
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const stdoutLines: string[] = [];
  const lines = readline.createInterface({ input: child.stdout! });
  lines.on("line", (line) => stdoutLines.push(line));
  const handshake = await new Promise<Handshake>((resolve, reject) => {
    lines.once("line", (line) => resolve(JSON.parse(line) as Handshake));
    child.once("exit", (code) => reject(new Error(`issuer exited with ${code}: ${stderr}`)));
  });
  const stop = () =>
    new Promise<number | null>((resolve) => {
      child.once("exit", (code) => resolve(code));
      child.kill("SIGTERM");
    });
  return { handshake, stdoutLines, stop, stderr: () => stderr };
}

async function signUpAndGetToken(url: string) {
  const email = `issuer-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`;
  const signUp = await fetch(`${url}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: url },
    body: JSON.stringify({ name: "Issuer Test", email, password: "correct horse battery" }),
  });
  expect(signUp.status).toBe(200);
  const { user } = (await signUp.json()) as { user: { id: string } };
  const cookie = signUp.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const tokenResponse = await fetch(`${url}/api/auth/token`, { headers: { cookie } });
  expect(tokenResponse.status).toBe(200);
  const { token } = (await tokenResponse.json()) as { token: string };
  return { token, userId: user.id };
}

describe("auth issuer", () => {
  it("jwks mode: prints one handshake line, issues EdDSA tokens verifiable with its JWKS, exits 0 on SIGTERM", async () => {
    const issuer = await startIssuer({});
    const { url, jwksUrl, issuer: iss } = issuer.handshake;
    expect(url).toMatch(/^http:\/\/localhost:\d+$/);
    expect(jwksUrl).toBe(`${url}/api/auth/jwks`);
    expect(iss).toBe(url);

    const { token, userId } = await signUpAndGetToken(url);
    expect(decodeProtectedHeader(token)).toEqual({ alg: "EdDSA", kid: expect.any(String) });
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(jwksUrl)), {
      algorithms: ["EdDSA"],
      issuer: iss,
      audience: iss,
    });
    expect(payload.sub).toBe(userId);

    expect(await issuer.stop()).toBe(0);
    expect(issuer.stdoutLines).toHaveLength(1);
    expect(issuer.stderr()).not.toContain(token);
  });

  it("shared-secret mode: HS256 tokens with JWT_SECRET, the configured lifetime and issuer; /jwks answers 404", async () => {
    const issuer = await startIssuer({
      AUTH_MODE: "shared-secret",
      JWT_SECRET,
      JWT_EXPIRATION_TIME: "20s",
      BETTER_AUTH_URL: "http://localhost:3999",
    });
    const { url, jwksUrl, issuer: iss } = issuer.handshake;
    expect(iss).toBe("http://localhost:3999");
    expect(url).not.toBe(iss);

    const { token } = await signUpAndGetToken(url);
    expect(decodeProtectedHeader(token)).toEqual({ alg: "HS256", typ: "JWT" });
    const { payload } = await jwtVerify(token, new TextEncoder().encode(JWT_SECRET), {
      algorithms: ["HS256"],
      issuer: iss,
      audience: iss,
    });
    expect(payload.exp! - payload.iat!).toBe(20);
    expect((await fetch(jwksUrl)).status).toBe(404);

    expect(await issuer.stop()).toBe(0);
  });

  it("refuses to start with an unsafe JWT_SECRET, saying why", async () => {
    await expect(startIssuer({ AUTH_MODE: "shared-secret", JWT_SECRET: "too-short" })).rejects.toThrow(
      /exited with 1: .*JWT_SECRET must be at least 32 bytes/s,
    );
  });
});
