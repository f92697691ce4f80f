// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { createApiClient } from "@/lib/api-client";
import { createTokenCache } from "@/lib/token-cache";

const API = "http://localhost:8000";
const USER = "user-1";

function fakeJwt(n: number): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const iat = Math.floor(Date.now() / 1000);
  return `${part({ alg: "EdDSA", kid: "k" })}.${part({ sub: USER, n, iat, exp: iat + 900 })}.sig`;
}

const task = {
  id: 1,
  user_id: USER,
  title: "Write tests",
  description: null,
  completed: false,
  priority: "medium",
  due_date: null,
  created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z",
};

type Seen = { url: string; method: string; authorization: string | null; body: string };

/** A fake network: answers with `respond` and records what each request carried. */
function fakeFetch(respond: (seen: Seen, index: number) => Response) {
  const seen: Seen[] = [];
  const fetch = vi.fn(async (input: Request | string | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const entry = {
      url: request.url,
      method: request.method,
      authorization: request.headers.get("authorization"),
      body: await request.text(),
    };
    seen.push(entry);
    return respond(entry, seen.length - 1);
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, seen };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

function setup(respond: (seen: Seen, index: number) => Response, tokens: Array<string | null> = [fakeJwt(1), fakeJwt(2), fakeJwt(3)]) {
  const fetchToken = vi.fn(async () => (tokens.length ? tokens.shift()! : null));
  const tokenCache = createTokenCache({ fetchToken });
  const onUnauthenticated = vi.fn();
  const net = fakeFetch(respond);
  const client = createApiClient({ baseUrl: API, tokens: tokenCache, onUnauthenticated, fetch: net.fetch });
  return { client, fetchToken, onUnauthenticated, seen: net.seen, tokenCache };
}

describe("API client", () => {
  beforeEach(() => {
    localStorage.clear();
    sessionStorage.clear();
  });
  afterEach(() => vi.restoreAllMocks());

  it("attaches the bearer token to backend calls and shares one token fetch between concurrent calls", async () => {
    const { client, fetchToken, seen } = setup(() => json({ items: [task], total: 1 }));

    const results = await Promise.all(
      [0, 1, 2].map(() => client.GET("/api/{user_id}/tasks", { params: { path: { user_id: USER } } })),
    );

    expect(results.map((r) => r.data?.total)).toEqual([1, 1, 1]);
    expect(fetchToken).toHaveBeenCalledTimes(1);
    expect(seen).toHaveLength(3);
    for (const request of seen) {
      expect(request.url).toBe(`${API}/api/${USER}/tasks`);
      expect(request.authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    }
  });

  it("never sends the token to another origin", async () => {
    const { client, fetchToken, seen } = setup(() => json({ items: [], total: 0 }));

    await client.GET("/api/{user_id}/tasks", {
      baseUrl: "https://elsewhere.example",
      params: { path: { user_id: USER } },
    });
    await client.GET("/api/{user_id}/tasks", { baseUrl: "http://localhost:3000", params: { path: { user_id: USER } } });

    expect(seen.map((s) => s.authorization)).toEqual([null, null]);
    expect(fetchToken).not.toHaveBeenCalled();
  });

  it("on a 401 fetches a fresh token and retries once, with the same body", async () => {
    const { client, fetchToken, onUnauthenticated, seen } = setup((_, i) =>
      i === 0 ? json({ detail: "expired" }, 401) : json({ ...task, title: "Retry me" }, 201),
    );

    const result = await client.POST("/api/{user_id}/tasks", {
      params: { path: { user_id: USER } },
      body: { title: "Retry me" },
    });

    expect(result.response.status).toBe(201);
    expect(result.data?.title).toBe("Retry me");
    expect(seen).toHaveLength(2);
    expect(seen[1]!.body).toBe(seen[0]!.body);
    expect(JSON.parse(seen[1]!.body)).toEqual({ title: "Retry me" });
    expect(seen[1]!.authorization).not.toBe(seen[0]!.authorization);
    expect(fetchToken).toHaveBeenCalledTimes(2);
    expect(onUnauthenticated).not.toHaveBeenCalled();
  });

  it("a second 401 sends the user to /login and forgets the token", async () => {
    const { client, fetchToken, onUnauthenticated, seen } = setup(() => json({ detail: "nope" }, 401));

    const result = await client.GET("/api/{user_id}/tasks", { params: { path: { user_id: USER } } });

    expect(result.response.status).toBe(401);
    expect(seen).toHaveLength(2); // the request and one retry, no more
    expect(onUnauthenticated).toHaveBeenCalledTimes(1);

    // The next call starts over with a new token rather than reusing the refused one.
    await client.GET("/api/{user_id}/tasks", { params: { path: { user_id: USER } } });
    expect(seen[2]!.authorization).not.toBe(seen[1]!.authorization);
    expect(fetchToken).toHaveBeenCalledTimes(4);
  });

  it("without a session it sends the user to /login and does not call the backend", async () => {
    const { client, onUnauthenticated, seen } = setup(() => json({}), []);

    const result = await client.GET("/api/{user_id}/tasks", { params: { path: { user_id: USER } } });

    expect(result.response.status).toBe(401);
    expect(seen).toHaveLength(0);
    expect(onUnauthenticated).toHaveBeenCalledTimes(1);
  });

  it("when the session is gone at retry time it goes to /login without retrying", async () => {
    const { client, onUnauthenticated, seen } = setup(() => json({ detail: "expired" }, 401), [fakeJwt(1)]);

    await client.DELETE("/api/{user_id}/tasks/{task_id}", { params: { path: { user_id: USER, task_id: 1 } } });

    expect(seen).toHaveLength(1);
    expect(onUnauthenticated).toHaveBeenCalledTimes(1);
  });

  it("explains a network failure in words a person understands", async () => {
    const { client } = setup(() => {
      throw new TypeError("Failed to fetch");
    });
    await expect(client.GET("/api/{user_id}/tasks", { params: { path: { user_id: USER } } })).rejects.toThrow(
      "Could not reach the task service",
    );
  });

  it("keeps the token in memory only: nothing in localStorage, sessionStorage or document.cookie", async () => {
    const setItem = vi.spyOn(Storage.prototype, "setItem");
    const cookieSetter = vi.fn();
    const descriptor = Object.getOwnPropertyDescriptor(Document.prototype, "cookie");
    Object.defineProperty(document, "cookie", {
      configurable: true,
      get: () => "",
      set: cookieSetter,
    });
    try {
      const { client } = setup((_, i) => (i === 0 ? json({ detail: "expired" }, 401) : json({ items: [], total: 0 })));
      await client.GET("/api/{user_id}/tasks", { params: { path: { user_id: USER } } });
      await client.GET("/api/{user_id}/tasks", { params: { path: { user_id: USER } } });
    } finally {
      delete (document as { cookie?: string }).cookie;
      if (descriptor) Object.defineProperty(Document.prototype, "cookie", descriptor);
    }

    expect(setItem).not.toHaveBeenCalled();
    expect(cookieSetter).not.toHaveBeenCalled();
    expect(localStorage.length).toBe(0);
    expect(sessionStorage.length).toBe(0);
  });
});
