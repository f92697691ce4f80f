// Keeps the backend's JWT in memory only: reused until shortly before it expires, fetched once for
// concurrent callers, and forgotten on sign-out. Never written to localStorage, sessionStorage or cookies.

/** Returns a fresh token, or null when there is no session (the user must sign in). */
export type TokenFetcher = () => Promise<string | null>;

export type TokenCacheOptions = {
  fetchToken: TokenFetcher;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
  /** Refresh this long before `exp` (capped at a quarter of the token's lifetime). */
  refreshMarginMs?: number;
};

export type TokenCache = {
  /** A token valid for a while yet, or null when signed out. */
  get(): Promise<string | null>;
  /** Drops `token` (or whatever is cached) so that the next get() fetches a new one. */
  invalidate(token?: string | null): void;
  /** Forgets everything, including a fetch in flight (sign-out). */
  clear(): void;
};

type Claims = { exp?: unknown; iat?: unknown };

/** Reads `exp` and `iat` from a JWT payload without verifying it (the backend does that). */
export function readTokenTimes(token: string): { exp: number; iat: number | null } | null {
  const payload = token.split(".")[1];
  if (!payload) return null;
  try {
    const base64 = payload.replace(/-/g, "+").replace(/_/g, "/");
    const claims = JSON.parse(atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), "="))) as Claims;
    if (typeof claims.exp !== "number") return null;
    return { exp: claims.exp, iat: typeof claims.iat === "number" ? claims.iat : null };
  } catch {
    return null;
  }
}

export function createTokenCache({ fetchToken, now = Date.now, refreshMarginMs = 30_000 }: TokenCacheOptions): TokenCache {
  let cached: { token: string; refreshAt: number } | null = null;
  let inFlight: Promise<string | null> | null = null;
  let generation = 0; // bumped by clear(): a fetch started before sign-out must not repopulate the cache

  function refreshTime(token: string): number {
    const times = readTokenTimes(token);
    if (!times) return 0; // unreadable: use it for this call only
    const expMs = times.exp * 1000;
    const lifetimeMs = times.iat === null ? Infinity : expMs - times.iat * 1000;
    return expMs - Math.min(refreshMarginMs, Math.max(0, lifetimeMs / 4));
  }

  function fetchShared(): Promise<string | null> {
    if (inFlight) return inFlight;
    const started = generation;
    const pending = fetchToken()
      .then((token) => {
        if (started === generation) cached = token ? { token, refreshAt: refreshTime(token) } : null;
        return token;
      })
      .finally(() => {
        if (inFlight === pending) inFlight = null;
      });
    inFlight = pending;
    return pending;
  }

  return {
    async get() {
      if (cached && now() < cached.refreshAt) return cached.token;
      return fetchShared();
    },
    invalidate(token) {
      if (!token || cached?.token === token) cached = null;
    },
    clear() {
      generation += 1;
      cached = null;
      inFlight = null;
    },
  };
}
