// The browser's backend client: the typed API client wired to Better Auth's token endpoint.
import { authClient } from "./auth-client";
import { createApiClient, type ApiClient } from "../api-client";
import { createTokenCache } from "../token-cache";

export const tokenCache = createTokenCache({
  async fetchToken() {
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
  await authClient.signOut().catch(() => undefined);
  // A full page load, on purpose: it drops every bit of in-memory state of the signed-out user.
  // eslint-disable-next-line @next/next/no-location-assign-relative-destination
  window.location.assign("/login");
}

/** The client for the backend at `baseUrl`, which the server passes down (see lib/api-url.ts). */
export function createBrowserApi(baseUrl: string): ApiClient {
  return createApiClient({ baseUrl, tokens: tokenCache, onUnauthenticated: () => void sendToLogin() });
}
