// The first page of the user's tasks (and their tags), fetched by the Next.js server so that it arrives in the HTML:
// the browser paints tasks without the token → preflight → list round trips, then takes over with
// the same query cache. The token is used here and dropped; it never reaches the page.
import "server-only";

import { QueryClient, dehydrate, type DehydratedState } from "@tanstack/react-query";
import createClient from "openapi-fetch";

import type { paths } from "../api-schema";
import { tagListOptions, taskListOptions } from "../task-list";
import { listQuery, type ViewState } from "../task-view";
import { getAuth } from "./auth";

/** Longest the page waits for the backend; past it the browser loads the list itself. */
const BACKEND_WAIT_MS = 2_000;

export async function prefetchTasks(
  requestHeaders: Headers,
  apiUrl: string,
  userId: string,
  state: ViewState,
): Promise<DehydratedState | undefined> {
  let token: string;
  try {
    ({ token } = await getAuth().api.getToken({ headers: requestHeaders }));
  } catch {
    return undefined; // the browser asks for its own token and reports what went wrong
  }
  const signal = AbortSignal.timeout(BACKEND_WAIT_MS);
  const api = createClient<paths>({
    baseUrl: apiUrl,
    headers: { Authorization: `Bearer ${token}` },
    fetch: (request) => fetch(request, { signal }),
  });
  // A client per request: a server-side cache must never outlive one request (or serve another user).
  const queryClient = new QueryClient();
  await Promise.all([
    ...(["pending", "completed"] as const).map((status) =>
      queryClient.prefetchInfiniteQuery(taskListOptions(api, userId, listQuery(state, status))),
    ),
    queryClient.prefetchQuery(tagListOptions(api, userId)), // the tag list and the tag suggestions
  ]);
  // prefetch never throws: failed queries are left out (dehydrate keeps successful ones only).
  return dehydrate(queryClient);
}
