// The browser's backend client: the typed API client wired to Better Auth's token endpoint.
import { authClient } from "./auth-client";
import { createApiClient, DEFAULT_API_URL } from "./api-client";
import { createTokenCache } from "./token-cache";

export const tokenCache = createTokenCache({
  async fetchToken() {
    const { data, error } = await authClient.token();
    if (data?.token) return data.token;
    if (!error || error.status === 401) return null; // no session: the user has to sign in
    throw new Error(error.message || `Could not get an access token (HTTP ${error.status}).`);
  },
});

export const api = createApiClient({
  baseUrl: process.env.NEXT_PUBLIC_API_URL || DEFAULT_API_URL,
  tokens: tokenCache,
  // A full page load, on purpose: it drops every bit of in-memory state of the signed-out user.
  // eslint-disable-next-line @next/next/no-location-assign-relative-destination
  onUnauthenticated: () => window.location.assign("/login"),
});
