// An auth database that cannot be reached at the moment (PostgreSQL restarting, a connection cut) is
// answered 503 with Retry-After, as the backend answers it, rather than a 500 that says something is broken.

/** Seconds a client is asked to wait, as the backend asks (its DATABASE_RETRY_AFTER_SECONDS). */
export const DATABASE_RETRY_AFTER_SECONDS = 2;

// Node's socket errors, and the SQLSTATEs of a server that is not taking connections: class 08
// (connection exception), 57P01–57P03 (shut down by the administrator, crash, cannot connect now)
// and 53300 (too many connections).
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENOTFOUND", "EAI_AGAIN"]);
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123]|53300)$/;
// node-postgres' own words for a connection lost mid-query or not made in time (these carry no code).
const LOST_CONNECTION = /^Connection terminated/;

export function isDatabaseUnavailable(error: unknown): boolean {
  // Drivers and Better Auth wrap errors: look through `cause` and AggregateError's `errors`.
  const seen = new Set<unknown>();
  const pending = [error];
  while (pending.length > 0) {
    const current = pending.pop();
    if (!current || typeof current !== "object" || seen.has(current)) continue;
    seen.add(current);
    const { code, message, cause } = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === "string" && (SOCKET_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true;
    if (typeof message === "string" && LOST_CONNECTION.test(message)) return true;
    pending.push(cause);
    if (current instanceof AggregateError) pending.push(...current.errors);
  }
  return false;
}

const UNAVAILABLE_BODY = {
  message: "Sign-in is unavailable for a moment. Try again in a few seconds.",
  code: "SERVICE_UNAVAILABLE",
};

let lastLoggedAt = 0;

function databaseUnavailable(): Response {
  const now = Date.now();
  // Logged at most every 10 s, not once per request while it lasts.
  if (now - lastLoggedAt >= 10_000) {
    lastLoggedAt = now;
    console.warn("[auth] the database is unavailable: answering 503 until it is back");
  }
  return Response.json(UNAVAILABLE_BODY, {
    status: 503,
    headers: { "Retry-After": String(DATABASE_RETRY_AFTER_SECONDS) },
  });
}

/** What handleAuthRequests needs of a Better Auth instance (its public handler and context). */
export type AuthInstance = {
  handler: (request: Request) => Promise<Response>;
  $context: Promise<{
    adapter: { findOne: (query: { model: string; where: { field: string; value: string }[] }) => Promise<unknown> };
    authCookies: { sessionToken: { name: string } };
  }>;
};

async function databaseAnswers(auth: AuthInstance): Promise<boolean> {
  const { adapter } = await auth.$context;
  try {
    await adapter.findOne({ model: "session", where: [{ field: "token", value: "database-reachability-probe" }] });
    return true;
  } catch (error) {
    if (isDatabaseUnavailable(error)) return false;
    throw error;
  }
}

/**
 * Better Auth's HTTP handler as the app serves it (app/api/auth/[...all]/route.ts), and the test
 * issuer too. Better Auth has no "unavailable" answer: its rate limiter throws the driver's error
 * before any endpoint runs, an endpoint that catches one answers 500, and one behind a session
 * answers 401 when the session could not be looked up, which a browser takes for "signed out".
 * So a thrown error is looked at, and a 500, or a 401 to a request that carries a session cookie,
 * asks the database once whether it is there; when it is not, the answer is 503 with Retry-After.
 */
export function handleAuthRequests(getAuth: () => AuthInstance) {
  return async (request: Request): Promise<Response> => {
    const auth = getAuth();
    let response: Response;
    try {
      response = await auth.handler(request);
    } catch (error) {
      if (isDatabaseUnavailable(error)) return databaseUnavailable();
      throw error;
    }
    if (response.status === 500 || (response.status === 401 && (await hasSessionCookie(auth, request)))) {
      if (!(await databaseAnswers(auth))) return databaseUnavailable();
    }
    return response;
  };
}

async function hasSessionCookie(auth: AuthInstance, request: Request): Promise<boolean> {
  const { authCookies } = await auth.$context;
  const name = `${authCookies.sessionToken.name}=`;
  return (request.headers.get("cookie") ?? "").split(/;\s*/).some((cookie) => cookie.startsWith(name));
}
