// The app's Better Auth instance (server-only); its configuration lives in lib/server/auth-options.ts.
// `getAuth()` builds it on first call, not at import: `next build` imports every route module, and
// building must neither open the database nor need BETTER_AUTH_SECRET.
import "server-only";

import { betterAuth } from "better-auth";

import { createAuthOptions } from "./auth-options";

const createAuth = () => betterAuth(createAuthOptions());

export type Auth = ReturnType<typeof createAuth>;
export type Session = Auth["$Infer"]["Session"];

let auth: Auth | undefined;

export function getAuth(): Auth {
  auth ??= createAuth();
  return auth;
}
