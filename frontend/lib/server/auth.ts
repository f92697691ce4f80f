// The app's Better Auth instance (server-only): configuration lives in lib/auth-options.ts.
// Created on first use, not at import: `next build` imports this module, and building must neither
// open the database nor need BETTER_AUTH_SECRET.
import "server-only";

import { betterAuth } from "better-auth";

import { createAuthOptions } from "./auth-options";

const createAuth = () => betterAuth(createAuthOptions());

let instance: ReturnType<typeof createAuth> | undefined;
const getAuth = () => (instance ??= createAuth());

export const auth = {
  get api(): ReturnType<typeof createAuth>["api"] {
    return getAuth().api;
  },
  handler: (request: Request): Promise<Response> => getAuth().handler(request),
};

export type Session = ReturnType<typeof createAuth>["$Infer"]["Session"];
