// The task list and the tag list as TanStack Query knows them: one key and one fetch each for the server
// (which puts the first page into the HTML) and the browser (which takes over with the same cache).
import { infiniteQueryOptions, queryOptions } from "@tanstack/react-query";

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

export const tagsKey = (userId: string) => ["tags", userId] as const;

/** The user's tags with how many tasks carry each (suggestions, the tag list). */
export function tagListOptions(api: ApiClient, userId: string) {
  return queryOptions({
    queryKey: tagsKey(userId),
    queryFn: async ({ signal }) => {
      const { data, error, response } = await api.GET("/api/{user_id}/tags", { params: { path: { user_id: userId } }, signal });
      if (!data) throw new Error(describeApiError(error, `Could not load your tags (HTTP ${response.status}).`));
      return data;
    },
  });
}
