// A Better Auth server plugin that tells the backends which sessions have ended (DESIGN §9).
//
// Every backend token names its session in `sid`. When Better Auth deletes a session — sign-out,
// revoke-session, revoke-other-sessions, a password changed with revokeOtherSessions, a password
// reset, an expired session cleaned up, an account deleted — this plugin records its id in the
// `revocation` table, in the same transaction as the deletion where Better Auth uses one. A deleted
// user is recorded too, so that the backends purge that user's rows.
//
// Backends poll GET /api/auth/revocations?since=<ms>&nonce=<random>. The answer is one JWT signed
// the way access tokens are (Better Auth's key pair in jwks mode, JWT_SECRET in shared-secret mode)
// but with its own audience, so it can never pass as an access token, and it echoes the poller's
// nonce, so an old answer replayed to a backend is refused. docs/SECURITY.md has the threat model.
import { getCurrentAdapter, type BetterAuthPlugin } from "better-auth";
import { APIError, createAuthEndpoint } from "better-auth/api";
import { signJWT, type JwtOptions } from "better-auth/plugins";

export const REVOCATION_FEED_PATH = "/revocations";
/** The audience of feed messages: never the access tokens' (the bare origin). */
export const revocationFeedAudience = (baseURL: string) => `${baseURL}/api/auth${REVOCATION_FEED_PATH}`;

/** Entries per answer; a poller that gets `complete: false` asks again from `cursor` at once. */
export const FEED_PAGE_SIZE = 1000;
/** Rows of one millisecond that one answer can hold (a page grows to take them all). */
const FEED_MAX_SAME_MILLISECOND = 20_000;
/**
 * How far back the next poll looks again: a row written by a transaction that commits later than
 * its `revokedAt` (or by another frontend replica with a slightly slower clock) is still seen.
 * Entries are facts about ended sessions, so reading one twice is harmless.
 */
export const FEED_OVERLAP_MS = 5_000;
/** Lifetime of one feed message. The backend also checks the nonce and `iat` itself. */
export const FEED_MESSAGE_TTL_SECONDS = 60;
const NONCE = /^[A-Za-z0-9_-]{16,128}$/;

export type RevocationKind = "session" | "user";

export interface RevocationFeedOptions {
  /** The options given to the jwt() plugin: the feed is signed with the same key. */
  jwt: JwtOptions;
  /** The app's origin (the access tokens' iss). */
  baseURL: string;
  /**
   * How long an ended session stays in the feed: at least the longest lifetime of a token (after
   * that every token of the session has expired anyway). Deleted users stay for good, so that a
   * backend that was down for a long time still purges their rows when it comes back.
   */
  sessionRetentionSeconds: number;
}

interface RevocationRow {
  id: string;
  kind: RevocationKind;
  subjectId: string;
  revokedAt: Date;
}

/** The feed message's claims besides iss/aud/iat/exp. */
export interface RevocationFeedClaims {
  nonce: string;
  since: number;
  /** Where the next poll starts (ms since the epoch). */
  cursor: number;
  /** True when every entry from `since` on is in this message. */
  complete: boolean;
  /** Ended sessions: [session id, revoked at (s)]. */
  sessions: [string, number][];
  /** Deleted users: [user id, deleted at (s)]. */
  users: [string, number][];
}

function parseSince(raw: unknown): number {
  if (raw === undefined || raw === "") return 0;
  const since = typeof raw === "string" && /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(since)) {
    throw new APIError("BAD_REQUEST", { message: "since must be a whole number of milliseconds since the epoch" });
  }
  return since;
}

export const revocationFeed = (options: RevocationFeedOptions) => {
  const audience = revocationFeedAudience(options.baseURL);
  let nextPruneAt = 0;

  return {
    id: "revocation-feed",
    schema: {
      revocation: {
        fields: {
          kind: { type: "string", required: true, input: false },
          subjectId: { type: "string", required: true, input: false, index: true },
          revokedAt: { type: "date", required: true, input: false, index: true },
        },
      },
    },
    init(ctx) {
      // Through the adapter of the current transaction, if any: Better Auth deletes sessions inside
      // one when a password changes, and a second connection would wait for it on SQLite.
      const record = async (kind: RevocationKind, subjectId: string) => {
        const adapter = await getCurrentAdapter(ctx.adapter);
        await adapter.create({ model: "revocation", data: { kind, subjectId, revokedAt: new Date() } });
      };
      return {
        options: {
          databaseHooks: {
            session: {
              // Before the deletion: if recording fails, the session is not deleted and the person
              // sees an error, rather than a session that ends here but lives on in the backends.
              delete: { before: async (session) => void (await record("session", session.id)) },
            },
            user: {
              // After it: a failed deletion must not purge the rows of a user who still exists.
              delete: { after: async (user) => void (await record("user", user.id)) },
            },
          },
        },
      };
    },
    endpoints: {
      getRevocations: createAuthEndpoint(
        REVOCATION_FEED_PATH,
        { method: "GET", metadata: { openapi: { description: "Ended sessions and deleted users, for the backends" } } },
        async (ctx) => {
          const since = parseSince(ctx.query?.since);
          const nonce = ctx.query?.nonce;
          if (typeof nonce !== "string" || !NONCE.test(nonce)) {
            throw new APIError("BAD_REQUEST", { message: "nonce must be 16 to 128 base64url characters" });
          }
          const now = Date.now();
          if (now >= nextPruneAt) {
            nextPruneAt = now + 60_000;
            await ctx.context.adapter.deleteMany({
              model: "revocation",
              where: [
                { field: "kind", value: "session" },
                { field: "revokedAt", operator: "lt", value: new Date(now - options.sessionRetentionSeconds * 1000) },
              ],
            });
          }
          const rows = await ctx.context.adapter.findMany<RevocationRow>({
            model: "revocation",
            where: [{ field: "revokedAt", operator: "gte", value: new Date(since) }],
            sortBy: { field: "revokedAt", direction: "asc" },
            limit: FEED_PAGE_SIZE + 1,
          });
          const complete = rows.length <= FEED_PAGE_SIZE;
          let page = rows.slice(0, FEED_PAGE_SIZE);
          const ms = (row: RevocationRow) => new Date(row.revokedAt).getTime();
          let cursor = Math.max(since, now - FEED_OVERLAP_MS);
          if (!complete) {
            // Every row of the last row's millisecond goes in this page, so that the next one starts
            // after it: however many share it (a user's sessions ended together), the poller moves on.
            const last = ms(page[page.length - 1]!);
            const atLast = await ctx.context.adapter.findMany<RevocationRow>({
              model: "revocation",
              where: [{ field: "revokedAt", value: new Date(last) }],
              // The adapter's default is 100; this many stays under the backend's 4 MiB per answer.
              limit: FEED_MAX_SAME_MILLISECOND,
            });
            page = [...page.filter((row) => ms(row) < last), ...atLast];
            cursor = last + 1;
          }
          const at = (row: RevocationRow) => Math.floor(ms(row) / 1000);
          const claims: RevocationFeedClaims = {
            nonce,
            since,
            cursor,
            complete,
            sessions: page.filter((r) => r.kind === "session").map((r) => [r.subjectId, at(r)]),
            users: page.filter((r) => r.kind === "user").map((r) => [r.subjectId, at(r)]),
          };
          const iat = Math.floor(now / 1000);
          const token = await signJWT(ctx, {
            options: options.jwt,
            payload: { ...claims, sub: "revocations", aud: audience, iat, exp: iat + FEED_MESSAGE_TTL_SECONDS },
          });
          ctx.setHeader("Cache-Control", "no-store");
          return ctx.json({ token });
        },
      ),
    },
  } satisfies BetterAuthPlugin;
};
