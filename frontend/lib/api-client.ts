// The one way the UI talks to the backend: a typed openapi-fetch client whose middleware attaches the
// bearer token to backend calls only, retries once with a fresh token on a 401, and sends the user to
// /login when that fails too.
import createClient, { type Client, type Middleware } from "openapi-fetch";

import type { components, paths } from "./api-schema";
import type { TokenCache } from "./token-cache";

export type Task = components["schemas"]["TaskPublic"];
export type TaskCreate = components["schemas"]["TaskCreate"];
export type TaskUpdate = components["schemas"]["TaskUpdate"];
export type TaskList = components["schemas"]["TasksPublic"];
export type Priority = components["schemas"]["Priority"];
export type ListTasksQuery = NonNullable<paths["/api/{user_id}/tasks"]["get"]["parameters"]["query"]>;

export type ApiClient = Client<paths>;

export const DEFAULT_API_URL = "http://localhost:8000";

export type ApiClientOptions = {
  baseUrl: string;
  tokens: TokenCache;
  /** Called when no valid session remains; the browser goes to /login. */
  onUnauthenticated: () => void;
  fetch?: typeof globalThis.fetch;
};

function unauthenticated(): Response {
  return new Response(JSON.stringify({ detail: "Not signed in" }), {
    status: 401,
    headers: { "content-type": "application/json" },
  });
}

export function createBearerMiddleware({
  baseUrl,
  tokens,
  onUnauthenticated,
  fetch: fetchImpl,
}: ApiClientOptions): Middleware {
  const apiOrigin = new URL(baseUrl).origin;
  const pending = new Map<string, { retry: Request; token: string }>();
  const isBackend = (request: Request) => new URL(request.url).origin === apiOrigin;

  const giveUp = () => {
    tokens.clear();
    onUnauthenticated();
  };

  return {
    async onRequest({ request, id }) {
      if (!isBackend(request)) return undefined;
      const token = await tokens.get();
      if (!token) {
        giveUp();
        return unauthenticated();
      }
      request.headers.set("Authorization", `Bearer ${token}`);
      // Keep an unread copy: the body of `request` is consumed when it is sent.
      pending.set(id, { retry: request.clone(), token });
      return request;
    },
    async onResponse({ response, id, options }) {
      const sent = pending.get(id);
      pending.delete(id);
      if (!sent || response.status !== 401) return undefined;
      tokens.invalidate(sent.token);
      const fresh = await tokens.get();
      if (!fresh) {
        giveUp();
        return undefined;
      }
      sent.retry.headers.set("Authorization", `Bearer ${fresh}`);
      const send = fetchImpl ?? options.fetch; // a plain call: window.fetch must not get `this` = options
      const retried = await send(sent.retry);
      if (retried.status === 401) {
        tokens.invalidate(fresh);
        giveUp();
      }
      return retried;
    },
    onError({ id, error }) {
      pending.delete(id);
      if (error instanceof Error && error.name === "AbortError") return undefined; // cancelled on purpose
      return new Error("Could not reach the task service. Check your connection and try again.", { cause: error });
    },
  };
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const client = createClient<paths>({ baseUrl: options.baseUrl, fetch: options.fetch });
  client.use(createBearerMiddleware(options));
  return client;
}

/** Turns an error body from the backend (FastAPI's `detail`) into a sentence for a toast. */
export function describeApiError(error: unknown, fallback: string): string {
  if (error && typeof error === "object" && "detail" in error) {
    const detail = (error as { detail: unknown }).detail;
    if (typeof detail === "string") return detail;
    if (Array.isArray(detail) && detail.length > 0) {
      const first = detail[0] as { loc?: unknown[]; msg?: string };
      const field = Array.isArray(first.loc) ? first.loc.filter((p) => p !== "body").join(".") : "";
      if (first.msg) return field ? `${field}: ${first.msg}` : first.msg;
    }
  }
  return fallback;
}
