// The backend's address for the browser, read from the server's environment on each request.
// Next inlines a written-out `process.env.NEXT_PUBLIC_…` at build time, which would tie a build to one
// backend; a lookup through a variable name is left alone and stays a run-time read.
import "server-only";

import { DEFAULT_API_URL } from "../api-client";

export const API_URL_VARIABLE = "NEXT_PUBLIC_API_URL";

type Env = Record<string, string | undefined>;

/** NEXT_PUBLIC_API_URL (default http://localhost:8000), without a trailing slash. */
export function apiUrlFromEnv(env: Env = process.env): string {
  const raw = env[API_URL_VARIABLE]?.trim();
  if (!raw) return DEFAULT_API_URL;
  let url: URL | null = null;
  try {
    url = new URL(raw);
  } catch {
    // reported below
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new Error(`${API_URL_VARIABLE} must be an http(s) URL such as ${DEFAULT_API_URL}; it is "${raw}".`);
  }
  return raw.replace(/\/+$/, "");
}
