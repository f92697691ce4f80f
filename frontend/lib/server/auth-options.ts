// Builds the Better Auth configuration from environment variables: the one place that decides
// database, password rules, rate limits and how JWTs for the backend are signed. Used by
// lib/server/auth.ts (the app), scripts/migrate.ts and scripts/auth-issuer.ts, so all three run the same
// config. No `import "server-only"` here or in auth-migrate.ts: the scripts run them in plain Node, where
// that marker throws; their Node-only imports (fs, pg, better-sqlite3) keep them out of a browser bundle,
// and the lint rule in eslint.config.mjs keeps browser code from importing lib/server/ at all.
import fs from "node:fs";
import path from "node:path";

import { type BetterAuthOptions } from "better-auth";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { nextCookies } from "better-auth/next-js";
import { jwt, type JwtOptions } from "better-auth/plugins";
import Database from "better-sqlite3";
import { SignJWT, type JWTPayload } from "jose";
import { Pool } from "pg";

import { createMailer, type SendEmail } from "./mailer";
import { REVOCATION_FEED_PATH, revocationFeed } from "./revocation-feed";

export type AuthEnv = Record<string, string | undefined>;

export type AuthMode = "jwks" | "shared-secret";

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;
export const DEFAULT_BASE_URL = "http://localhost:3000";
export const DEFAULT_JWT_EXPIRATION = "15m";
/** Sign-in and sign-up attempts allowed per client IP and window, unless AUTH_RATE_LIMIT_MAX says otherwise. */
export const DEFAULT_RATE_LIMIT_MAX = 5;
export const DEFAULT_RATE_LIMIT_WINDOW_SECONDS = 60;
export const DEFAULT_SQLITE_PATH = ".data/auth.db";
/** Password-reset and verification links work for an hour, once. */
export const EMAIL_LINK_LIFETIME_SECONDS = 3600;
/** Reset requests and resets allowed per client IP and window. */
export const PASSWORD_RESET_RATE_LIMIT = { window: 60, max: 3 };
/**
 * How long the revocation feed keeps an ended session: the backend's default cap on a token's
 * lifetime (AUTH_MAX_TOKEN_LIFETIME_SECONDS, 3600) plus its leeway, or longer tokens if configured.
 */
export const MIN_REVOCATION_RETENTION_SECONDS = 3600 + 60;

/** Raised when the environment asks for something unsafe or malformed; the message says how to fix it. */
export class AuthConfigError extends Error {
  override name = "AuthConfigError";
}

export function parseAuthMode(value: string | undefined): AuthMode {
  const mode = (value ?? "").trim() || "jwks";
  if (mode !== "jwks" && mode !== "shared-secret") {
    throw new AuthConfigError(`AUTH_MODE must be "jwks" or "shared-secret", not "${mode}".`);
  }
  return mode;
}

/** The app's origin (scheme, host, port; no path, no trailing slash): Better Auth's baseURL and the tokens' iss/aud. */
export function parseBaseUrl(value: string | undefined): string {
  const raw = (value ?? "").trim() || DEFAULT_BASE_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AuthConfigError(`BETTER_AUTH_URL must be an absolute URL such as ${DEFAULT_BASE_URL}, not "${raw}".`);
  }
  if (url.pathname !== "/" || url.search || url.hash) {
    throw new AuthConfigError(`BETTER_AUTH_URL must be an origin without a path (e.g. ${DEFAULT_BASE_URL}), not "${raw}".`);
  }
  return url.origin;
}

const TIME_SPAN = /^\d+\s*(s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hr|hrs|hour|hours)$/i;

export function parseJwtExpiration(value: string | undefined): string {
  const raw = (value ?? "").trim() || DEFAULT_JWT_EXPIRATION;
  if (!TIME_SPAN.test(raw)) {
    throw new AuthConfigError(
      `JWT_EXPIRATION_TIME must be a number followed by a unit (s, m or h), e.g. "15m" or "20s", not "${raw}".`,
    );
  }
  return raw.replace(/\s+/g, "");
}

function parsePositiveInt(name: string, value: string | undefined, fallback: number): number {
  const raw = (value ?? "").trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    throw new AuthConfigError(`${name} must be a positive whole number, not "${raw}".`);
  }
  return n;
}

/**
 * The secret the backend shares in AUTH_MODE=shared-secret. Refused when short or equal to
 * BETTER_AUTH_SECRET: the backend holds it, and it must not also unlock the session cookies.
 */
export function requireSharedJwtSecret(env: AuthEnv): Uint8Array {
  const secret = env.JWT_SECRET ?? "";
  const bytes = new TextEncoder().encode(secret);
  if (bytes.length < 32) {
    throw new AuthConfigError(
      "JWT_SECRET must be at least 32 bytes in AUTH_MODE=shared-secret; generate one with `openssl rand -hex 32`.",
    );
  }
  if (secret === env.BETTER_AUTH_SECRET) {
    throw new AuthConfigError(
      "JWT_SECRET must differ from BETTER_AUTH_SECRET (the backend holds JWT_SECRET); generate another with `openssl rand -hex 32`.",
    );
  }
  return bytes;
}

export type DatabaseConfig = { kind: "sqlite"; file: string } | { kind: "postgres"; connectionString: string };

/**
 * DATABASE_URL: unset → SQLite at .data/auth.db (relative to the working directory, i.e. frontend/);
 * `file:<path>` → that SQLite file (`file:///abs/path` too); `sqlite:///<path>` as SQLAlchemy reads it
 * (three slashes: relative, four: absolute); `postgres://` / `postgresql://` (a `+driver` suffix such
 * as `postgresql+psycopg://` is dropped) → PostgreSQL.
 */
export function parseDatabaseUrl(value: string | undefined, cwd: string = process.cwd()): DatabaseConfig {
  const raw = (value ?? "").trim();
  if (!raw) return { kind: "sqlite", file: path.resolve(cwd, DEFAULT_SQLITE_PATH) };
  const pg = /^postgres(?:ql)?(?:\+[a-z0-9]+)?:\/\/(.*)$/i.exec(raw);
  if (pg) return { kind: "postgres", connectionString: `postgresql://${pg[1]}` };
  const sqlite = /^sqlite:\/\/\/(.+)$/i.exec(raw) ?? /^file:(?:\/\/(?=\/))?(.+)$/i.exec(raw);
  if (sqlite?.[1]) {
    const file = sqlite[1];
    return { kind: "sqlite", file: file === ":memory:" ? file : path.resolve(cwd, file) };
  }
  throw new AuthConfigError(
    `DATABASE_URL must be a postgres:// URL or file:<path> for SQLite (e.g. file:.data/auth.db), not "${raw.replace(/\/\/[^@]*@/, "//***@")}".`,
  );
}

export function openDatabase(config: DatabaseConfig) {
  if (config.kind === "postgres") {
    const pool = new Pool({ connectionString: config.connectionString });
    // A connection that the server ends (a restart, a failover) emits "error" on its client, idle
    // or not, and also on the pool when idle; with no listener Node treats it as an uncaught
    // exception. The pool opens a new connection on the next query.
    pool.on("connect", (client) => {
      client.on("error", (error) => console.error(`PostgreSQL closed a connection: ${error.message}`));
    });
    pool.on("error", () => undefined); // logged by the client's listener above
    return pool;
  }
  if (config.file !== ":memory:") fs.mkdirSync(path.dirname(config.file), { recursive: true });
  const db = new Database(config.file);
  db.pragma("journal_mode = WAL");
  db.pragma("busy_timeout = 5000");
  return db;
}

/** Signs the backend's token with HS256 and JWT_SECRET (AUTH_MODE=shared-secret). */
export function createSharedSecretSigner(key: Uint8Array) {
  return async (payload: JWTPayload): Promise<string> => {
    // The plugin hands over the complete claim set (sub, iat, exp, iss, aud and the definePayload
    // fields); drop keys it left undefined (e.g. nbf) so they are not serialised.
    const claims = Object.fromEntries(Object.entries(payload).filter(([, v]) => v !== undefined)) as JWTPayload;
    for (const claim of ["sub", "iat", "exp", "iss", "aud"] as const) {
      if (claims[claim] === undefined) throw new AuthConfigError(`refusing to sign a token without "${claim}"`);
    }
    return new SignJWT(claims).setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(key);
  };
}

export type CreateAuthOptionsInput = {
  env?: AuthEnv;
  /** Overrides DATABASE_URL parsing, e.g. a database opened by a test. */
  database?: ReturnType<typeof openDatabase>;
  /** Origins trusted besides BETTER_AUTH_URL (the test issuer adds the address it listens on). */
  extraTrustedOrigins?: string[];
  /** Overrides SMTP_URL / the outbox, e.g. a test that reads the messages itself. */
  sendEmail?: SendEmail;
};

function parseBoolean(name: string, value: string | undefined): boolean {
  const raw = (value ?? "").trim().toLowerCase();
  if (!raw || raw === "false") return false;
  if (raw === "true") return true;
  throw new AuthConfigError(`${name} must be "true" or "false", not "${value}".`);
}

/** Seconds in a JWT_EXPIRATION_TIME such as "15m" (already checked by parseJwtExpiration). */
function timeSpanSeconds(span: string): number {
  const [, amount, unit] = /^(\d+)([a-z]+)$/i.exec(span) ?? [];
  const factor = /^h/i.test(unit ?? "") ? 3600 : /^m/i.test(unit ?? "") ? 60 : 1;
  return Number(amount) * factor;
}

export function createAuthOptions({
  env = process.env,
  database,
  extraTrustedOrigins = [],
  sendEmail,
}: CreateAuthOptionsInput = {}) {
  const mode = parseAuthMode(env.AUTH_MODE);
  const baseURL = parseBaseUrl(env.BETTER_AUTH_URL);
  const expirationTime = parseJwtExpiration(env.JWT_EXPIRATION_TIME);
  const rateLimitMax = parsePositiveInt("AUTH_RATE_LIMIT_MAX", env.AUTH_RATE_LIMIT_MAX, DEFAULT_RATE_LIMIT_MAX);
  const rateLimitWindow = parsePositiveInt(
    "AUTH_RATE_LIMIT_WINDOW",
    env.AUTH_RATE_LIMIT_WINDOW,
    DEFAULT_RATE_LIMIT_WINDOW_SECONDS,
  );
  const credentialRule = { window: rateLimitWindow, max: rateLimitMax };
  const requireEmailVerification = parseBoolean("REQUIRE_EMAIL_VERIFICATION", env.REQUIRE_EMAIL_VERIFICATION);
  const mail = sendEmail ?? createMailer(env);
  // Not awaited: the answer to a reset request must not take longer when the address has an
  // account (and a slow mail server must not hold the request). A failure is logged.
  const post = (email: Parameters<SendEmail>[0]) => {
    mail(email).catch((error: unknown) =>
      console.error(`[mail] could not send "${email.subject}":`, error instanceof Error ? error.message : error),
    );
  };

  const sharedKey = mode === "shared-secret" ? requireSharedJwtSecret(env) : null;
  // Key rotation (jwks mode): off unless AUTH_JWKS_ROTATION_INTERVAL is set; old keys stay published
  // for AUTH_JWKS_GRACE_PERIOD (Better Auth's default: 30 days). Both in seconds.
  const keyRotation = {
    ...(env.AUTH_JWKS_ROTATION_INTERVAL?.trim()
      ? { rotationInterval: parsePositiveInt("AUTH_JWKS_ROTATION_INTERVAL", env.AUTH_JWKS_ROTATION_INTERVAL, 1) }
      : {}),
    ...(env.AUTH_JWKS_GRACE_PERIOD?.trim()
      ? { gracePeriod: parsePositiveInt("AUTH_JWKS_GRACE_PERIOD", env.AUTH_JWKS_GRACE_PERIOD, 1) }
      : {}),
  };

  const jwtOptions = {
    jwt: {
      issuer: baseURL,
      audience: baseURL,
      expirationTime,
      // The backend needs who the user is and which session the token belongs to (sid: the
      // session's id, never its token), nothing more (sub is added by the plugin).
      definePayload: ({ user, session }) => ({ id: user.id, email: user.email, name: user.name, sid: session.id }),
      ...(sharedKey ? { sign: createSharedSecretSigner(sharedKey) } : {}),
    },
    ...(sharedKey
      ? {
          // The plugin accepts a custom signer only with remoteUrl and keyPairConfig.alg set;
          // both only feed discovery metadata. There are no public keys in this mode and
          // /api/auth/jwks answers 404.
          jwks: { remoteUrl: `${baseURL}/api/auth/jwks`, keyPairConfig: { alg: "EdDSA" as const } },
        }
      : { jwks: keyRotation }),
  } satisfies JwtOptions;

  return {
    appName: "Tasks",
    baseURL,
    secret: env.BETTER_AUTH_SECRET,
    trustedOrigins: [...new Set([baseURL, ...extraTrustedOrigins])],
    database: database ?? openDatabase(parseDatabaseUrl(env.DATABASE_URL)),
    emailAndPassword: {
      enabled: true,
      minPasswordLength: PASSWORD_MIN_LENGTH,
      maxPasswordLength: PASSWORD_MAX_LENGTH,
      autoSignIn: true,
      requireEmailVerification,
      resetPasswordTokenExpiresIn: EMAIL_LINK_LIFETIME_SECONDS,
      revokeSessionsOnPasswordReset: true,
      sendResetPassword: async ({ user, url }) =>
        post({
          to: user.email,
          subject: "Reset your Tasks password",
          text: `Someone asked to reset the password of your Tasks account.\n\nTo choose a new password, open this link within an hour (it works once):\n${url}\n\nIf it was not you, ignore this email: your password stays as it is.\n`,
          link: url,
        }),
    },
    emailVerification: {
      sendOnSignUp: requireEmailVerification,
      autoSignInAfterVerification: true,
      expiresIn: EMAIL_LINK_LIFETIME_SECONDS,
      sendVerificationEmail: async ({ user, url }) =>
        post({
          to: user.email,
          subject: "Confirm your email address for Tasks",
          text: `Welcome to Tasks.\n\nTo confirm your email address, open this link within an hour:\n${url}\n\nIf you did not sign up, ignore this email.\n`,
          link: url,
        }),
    },
    session: {
      // Better Auth moves a session's updatedAt (and its expiry) on a request at most once per
      // updateAge, by default a day; the account page shows it as "last active", so an hour.
      updateAge: 60 * 60,
    },
    user: {
      // Account deletion needs the password (the hook below); the revocation feed then tells the
      // backends to purge the user's tasks.
      deleteUser: { enabled: true },
    },
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        // Better Auth deletes the account of a session less than a day old without a password;
        // this app asks for it always, so that an unlocked browser is not enough.
        if (ctx.path === "/delete-user" && !ctx.body?.password) {
          throw new APIError("BAD_REQUEST", {
            message: "Enter your password to delete your account.",
            code: "PASSWORD_REQUIRED",
          });
        }
      }),
    },
    // Better Auth turns rate limiting on only when NODE_ENV=production; we want it everywhere.
    // It keys on x-forwarded-for (Next.js sets it to the socket address when absent); without a
    // usable address it uses 127.0.0.1 (dev/test) or one shared bucket, so nothing goes unlimited.
    // Counters live in the database (the `rateLimit` table, created by the migration) so that the
    // limit holds across replicas behind a load balancer, not once per process.
    rateLimit: {
      enabled: true,
      storage: "database",
      customRules: {
        "/sign-in/email": credentialRule,
        "/sign-up/email": credentialRule,
        "/request-password-reset": PASSWORD_RESET_RATE_LIMIT,
        "/reset-password": PASSWORD_RESET_RATE_LIMIT,
        "/send-verification-email": PASSWORD_RESET_RATE_LIMIT,
        // Not limited: Better Auth's window starts again only after a quiet window, so steady
        // traffic from one address is cut off once it reaches any limit. The backends poll the feed
        // every second (the load balancer limits it per address instead, deploy/nginx); every
        // browser behind one address (an office, a test run) fetches tokens, and /token already
        // needs a session.
        [REVOCATION_FEED_PATH]: false,
        "/token": false,
        // The health check: it must not need the database that holds the counters.
        "/ok": false,
      },
    },
    telemetry: { enabled: false },
    plugins: [
      jwt(jwtOptions),
      revocationFeed({
        jwt: jwtOptions,
        baseURL,
        sessionRetentionSeconds: Math.max(MIN_REVOCATION_RETENTION_SECONDS, timeSpanSeconds(expirationTime) + 60),
      }),
      nextCookies(), // must stay last
    ],
  } satisfies BetterAuthOptions;
}
