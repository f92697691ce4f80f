// The task list as TanStack Query knows it: one key and one fetch for the server (which puts the first
// page into the HTML) and the browser (which takes over with the same cache).
import { infiniteQueryOptions } from "@tanstack/react-query";

import { describeApiError, type ApiClient, type ListTasksQuery } from "./api-client";

export const PAGE_SIZE = 100;

export const tasksKey = (userId: string) => ["tasks", userId] as const;

export function taskListOptions(api: ApiClient, userId: string, query: ListTasksQuery) {
  return infiniteQueryOptions({
    queryKey: [...tasksKey(userId), query],
    initialPageParam: 0,
    queryFn: async ({ pageParam, signal }) => {
      const { data, error, response } = await api.GET("/api/{user_id}/tasks", {
        params: { path: { user_id: userId }, query: { ...query, limit: PAGE_SIZE, offset: pageParam } },
        signal,
      });
      if (!data) throw new Error(describeApiError(error, `Could not load your tasks (HTTP ${response.status}).`));
      return data;
    },
    getNextPageParam: (last, pages) => {
      const loaded = pages.reduce((n, page) => n + page.items.length, 0);
      return last.items.length > 0 && loaded < last.total ? loaded : undefined;
    },
  });
}
