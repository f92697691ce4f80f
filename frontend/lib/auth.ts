// The app's Better Auth instance (server-only): configuration lives in lib/auth-options.ts.
import "server-only";

import { betterAuth } from "better-auth";

import { createAuthOptions } from "./auth-options";

export const auth = betterAuth(createAuthOptions());

export type Session = typeof auth.$Infer.Session;
