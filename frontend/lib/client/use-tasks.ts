"use client";
// Server state for the tasks page: TanStack Query hooks over the typed API client.
import {
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
  type InfiniteData,
  type QueryClient,
} from "@tanstack/react-query";

import type { components } from "../api-schema";
import { describeApiError, type ListTasksQuery, type Task, type TaskCreate, type TaskList, type TaskUpdate } from "../api-client";
import { tagListOptions, tagsKey, taskListOptions, tasksKey } from "../task-list";
import { useApi } from "./api-context";

type TaskPages = InfiniteData<TaskList, number>;

function failure(error: unknown, response: Response, what: string): Error {
  return new Error(describeApiError(error, `${what} (HTTP ${response.status}).`));
}

/** One list (open or completed tasks, searched and sorted), loaded 100 at a time. */
export function useTaskList(userId: string, query: ListTasksQuery) {
  const api = useApi();
  return useInfiniteQuery(taskListOptions(api, userId, query));
}

/**
 * Reads the user's lists again after a write. A read already in flight may have started before the
 * write and miss it; `invalidateQueries` alone would join such a read when it is the list's first
 * load (TanStack cancels in-flight reads only for queries that have data), so cancel it first.
 */
async function refreshTasks(client: QueryClient, userId: string) {
  await client.cancelQueries({ queryKey: tasksKey(userId) });
  await Promise.all([
    client.invalidateQueries({ queryKey: tasksKey(userId) }),
    client.invalidateQueries({ queryKey: tagsKey(userId) }),
  ]);
}

/** Applies `change` to every cached page of the user's task lists; returns what was there before. */
function patchCachedTasks(client: QueryClient, userId: string, change: (task: Task) => Task | null) {
  const before = client.getQueriesData<TaskPages>({ queryKey: tasksKey(userId) });
  client.setQueriesData<TaskPages>({ queryKey: tasksKey(userId) }, (data) =>
    data
      ? {
          ...data,
          pages: data.pages.map((page) => {
            const items = page.items.map(change);
            const kept = items.filter((t): t is Task => t !== null);
            return { items: kept, total: page.total - (items.length - kept.length) };
          }),
        }
      : data,
  );
  return before;
}

export function useCreateTask(userId: string) {
  const client = useQueryClient();
  const api = useApi();
  return useMutation({
    mutationFn: async (body: TaskCreate) => {
      const { data, error, response } = await api.POST("/api/{user_id}/tasks", {
        params: { path: { user_id: userId } },
        body,
      });
      if (!data) throw failure(error, response, "Could not add the task");
      return data;
    },
    onSettled: () => refreshTasks(client, userId),
  });
}

export function useUpdateTask(userId: string) {
  const client = useQueryClient();
  const api = useApi();
  return useMutation({
    mutationFn: async ({ id, changes }: { id: number; changes: TaskUpdate }) => {
      const { data, error, response } = await api.PUT("/api/{user_id}/tasks/{task_id}", {
        params: { path: { user_id: userId, task_id: id } },
        body: changes,
      });
      if (!data) throw failure(error, response, "Could not save the task");
      return data;
    },
    onSuccess: (saved) => patchCachedTasks(client, userId, (t) => (t.id === saved.id ? saved : t)),
    onSettled: () => refreshTasks(client, userId),
  });
}

export function useDeleteTask(userId: string) {
  const client = useQueryClient();
  const api = useApi();
  return useMutation({
    mutationFn: async (task: Task) => {
      const { error, response } = await api.DELETE("/api/{user_id}/tasks/{task_id}", {
        params: { path: { user_id: userId, task_id: task.id } },
      });
      if (!response.ok) throw failure(error, response, "Could not delete the task");
      return task;
    },
    onSuccess: (deleted) => patchCachedTasks(client, userId, (t) => (t.id === deleted.id ? null : t)),
    onSettled: () => refreshTasks(client, userId),
  });
}

/** Flips `completed` at once on screen; puts it back if the server refuses. */
export function useToggleTask(userId: string) {
  const client = useQueryClient();
  const api = useApi();
  return useMutation({
    mutationFn: async (task: Task) => {
      const { data, error, response } = await api.PATCH("/api/{user_id}/tasks/{task_id}/complete", {
        params: { path: { user_id: userId, task_id: task.id } },
      });
      if (!data) throw failure(error, response, "Could not update the task");
      return data;
    },
    onMutate: async (task) => {
      await client.cancelQueries({ queryKey: tasksKey(userId) });
      const before = patchCachedTasks(client, userId, (t) =>
        t.id === task.id ? { ...t, completed: !t.completed } : t,
      );
      return { before };
    },
    onError: (_error, _task, context) => {
      for (const [key, data] of context?.before ?? []) client.setQueryData(key, data);
    },
    onSettled: () => refreshTasks(client, userId),
  });
}

export type Tag = components["schemas"]["TagPublic"];

/** The user's tags with how many tasks carry each (suggestions, the tag list). */
export function useTags(userId: string) {
  const api = useApi();
  return useQuery(tagListOptions(api, userId));
}

export function useRenameTag(userId: string) {
  const client = useQueryClient();
  const api = useApi();
  return useMutation({
    mutationFn: async ({ from, to }: { from: string; to: string }) => {
      const { data, error, response } = await api.PATCH("/api/{user_id}/tags/{name}", {
        params: { path: { user_id: userId, name: from } },
        body: { name: to },
      });
      if (!data) throw failure(error, response, "Could not rename the tag");
      return data;
    },
    onSettled: () => refreshTasks(client, userId),
  });
}

export function useDeleteTag(userId: string) {
  const client = useQueryClient();
  const api = useApi();
  return useMutation({
    mutationFn: async (name: string) => {
      const { error, response } = await api.DELETE("/api/{user_id}/tags/{name}", {
        params: { path: { user_id: userId, name } },
      });
      if (!response.ok) throw failure(error, response, "Could not delete the tag");
    },
    onSettled: () => refreshTasks(client, userId),
  });
}
