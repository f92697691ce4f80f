import { describe, expect, it, vi } from "vitest";

import { createTokenCache, readTokenTimes } from "@/lib/token-cache";

/** An unsigned JWT-shaped string: the cache only reads exp/iat, the backend verifies. */
function fakeJwt(claims: Record<string, unknown>): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  return `${part({ alg: "EdDSA", kid: "k" })}.${part(claims)}.signature`;
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe("token cache", () => {
  it("shares one token fetch between concurrent callers", async () => {
    const token = fakeJwt({ iat: 1_000, exp: 1_900 });
    const pending = deferred<string>();
    const fetchToken = vi.fn(() => pending.promise);
    const cache = createTokenCache({ fetchToken, now: () => 1_000_000 });

    const callers = Promise.all([cache.get(), cache.get(), cache.get()]);
    pending.resolve(token);

    expect(await callers).toEqual([token, token, token]);
    expect(fetchToken).toHaveBeenCalledTimes(1);
  });

  it("reuses the token until 30 s before exp, then fetches a new one", async () => {
    let nowMs = 1_000_000; // iat 1000 s
    const first = fakeJwt({ iat: 1_000, exp: 1_900 }); // 15 minutes
    const second = fakeJwt({ iat: 1_880, exp: 2_780 });
    const fetchToken = vi.fn<() => Promise<string>>().mockResolvedValueOnce(first).mockResolvedValueOnce(second);
    const cache = createTokenCache({ fetchToken, now: () => nowMs });

    expect(await cache.get()).toBe(first);
    nowMs = 1_869_000; // 31 s before exp
    expect(await cache.get()).toBe(first);
    expect(fetchToken).toHaveBeenCalledTimes(1);

    nowMs = 1_871_000; // 29 s before exp
    expect(await cache.get()).toBe(second);
    expect(fetchToken).toHaveBeenCalledTimes(2);
  });

  it("keeps short-lived tokens useful: the margin is at most a quarter of the lifetime", async () => {
    let nowMs = 1_000_000;
    const token = fakeJwt({ iat: 1_000, exp: 1_020 }); // 20 s, as in the renewal end-to-end test
    const fetchToken = vi.fn(async () => token);
    const cache = createTokenCache({ fetchToken, now: () => nowMs });

    await cache.get();
    nowMs = 1_014_000; // 6 s left: still more than 5 s (a quarter)
    await cache.get();
    expect(fetchToken).toHaveBeenCalledTimes(1);
    nowMs = 1_016_000;
    await cache.get();
    expect(fetchToken).toHaveBeenCalledTimes(2);
  });

  it("invalidate() drops only the token it names", async () => {
    const a = fakeJwt({ iat: 1_000, exp: 1_900 });
    const b = fakeJwt({ iat: 1_001, exp: 1_901 });
    const fetchToken = vi.fn<() => Promise<string>>().mockResolvedValueOnce(a).mockResolvedValueOnce(b);
    const cache = createTokenCache({ fetchToken, now: () => 1_000_000 });

    await cache.get();
    cache.invalidate("some-older-token");
    expect(await cache.get()).toBe(a);
    cache.invalidate(a);
    expect(await cache.get()).toBe(b);
  });

  it("clear() forgets the token and ignores a fetch that was in flight (sign-out)", async () => {
    const pending = deferred<string>();
    const late = fakeJwt({ iat: 1_000, exp: 1_900 });
    const fetchToken = vi.fn<() => Promise<string | null>>().mockReturnValueOnce(pending.promise).mockResolvedValueOnce(null);
    const cache = createTokenCache({ fetchToken, now: () => 1_000_000 });

    const inFlight = cache.get();
    cache.clear();
    pending.resolve(late);
    await inFlight;

    expect(await cache.get()).toBeNull(); // fetched again, and now there is no session
    expect(fetchToken).toHaveBeenCalledTimes(2);
  });

  it("does not cache a failed fetch", async () => {
    const token = fakeJwt({ iat: 1_000, exp: 1_900 });
    const fetchToken = vi.fn<() => Promise<string>>().mockRejectedValueOnce(new Error("offline")).mockResolvedValueOnce(token);
    const cache = createTokenCache({ fetchToken, now: () => 1_000_000 });

    await expect(cache.get()).rejects.toThrow("offline");
    expect(await cache.get()).toBe(token);
  });

  it("reads exp and iat from base64url payloads and rejects garbage", () => {
    expect(readTokenTimes(fakeJwt({ iat: 5, exp: 10, name: "Zoë ✓" }))).toEqual({ iat: 5, exp: 10 });
    expect(readTokenTimes("not-a-jwt")).toBeNull();
    expect(readTokenTimes(fakeJwt({ iat: 5 }))).toBeNull();
  });
});
