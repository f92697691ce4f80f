// The app's Better Auth instance (server-only); its configuration lives in lib/server/auth-options.ts.
// `getAuth()` builds it on first call, not at import: `next build` imports every route module, and
// building must neither open the database nor need BETTER_AUTH_SECRET.
import "server-only";

import { betterAuth } from "better-auth";
import { getSessionCookie } from "better-auth/cookies";

import { createAuthOptions } from "./auth-options";

const createAuth = () => betterAuth(createAuthOptions());

export type Auth = ReturnType<typeof createAuth>;
export type Session = Auth["$Infer"]["Session"];

let auth: Auth | undefined;

export function getAuth(): Auth {
  auth ??= createAuth();
  return auth;
}

/**
 * The session of a page's request, or null. Without a session cookie there is none to look up, so an
 * anonymous visit (/login, /signup) never waits on the database: not even on Better Auth's schema
 * check at an instance's first use, which fails while the database is down (a 500 page).
 */
export async function getPageSession(requestHeaders: Headers): Promise<Session | null> {
  if (!getSessionCookie(requestHeaders)) return null;
  return getAuth().api.getSession({ headers: requestHeaders });
}
