// The browser's backend client: the typed API client wired to Better Auth's token endpoint.
// The tasks page arrives with its data, so Better Auth's client is loaded when first needed (the
// first token, or a sign-out) rather than with the page; docs/BENCHMARKS.md has the figures.
import { createApiClient, type ApiClient } from "../api-client";
import { createTokenCache } from "../token-cache";

export const tokenCache = createTokenCache({
  async fetchToken() {
    const { authClient } = await import("./auth-client");
    const { data, error } = await authClient.token();
    if (data?.token) return data.token;
    if (!error || error.status === 401) return null; // no session: the user has to sign in
    throw new Error(error.message || `Could not get an access token (HTTP ${error.status}).`);
  },
});

let leaving = false;

/**
 * The backend refused a fresh token too, or there is no session. End the session before going to
 * /login: with a live session /login would send the user straight back to /tasks, in a loop.
 */
async function sendToLogin() {
  if (leaving) return;
  leaving = true;
  await import("./auth-client").then(({ authClient }) => authClient.signOut()).catch(() => undefined);
  // A full page load, on purpose: it drops every bit of in-memory state of the signed-out user.
  // eslint-disable-next-line @next/next/no-location-assign-relative-destination
  window.location.assign("/login");
}

/** The client for the backend at `baseUrl`, which the server passes down (see lib/api-url.ts). */
export function createBrowserApi(baseUrl: string): ApiClient {
  return createApiClient({ baseUrl, tokens: tokenCache, onUnauthenticated: () => void sendToLogin() });
}
