"use client";
// The tasks page body: add form, filters, the list with "Load more", and its loading/empty/error states.
import { useEffect, useId, useState } from "react";

import { useHydrated } from "@/lib/client/use-hydrated";
import { DEFAULT_FILTERS, useTaskList, type TaskFilters } from "@/lib/client/use-tasks";

import { NewTaskForm } from "./new-task-form";
import { TaskItem } from "./task-item";
import { useToast } from "./toasts";
import { inputClass, secondaryButton } from "./ui";

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

export function TasksView({ userId }: { userId: string }) {
  const [filters, setFilters] = useState<TaskFilters>(DEFAULT_FILTERS);
  const [search, setSearch] = useState("");
  const q = useDebounced(search, 300);
  const query = useTaskList(userId, { ...filters, q });
  const notify = useToast();
  const id = useId();
  const hydrated = useHydrated(); // controlled fields: keep them until React can see their changes

  const { isError, error } = query;
  useEffect(() => {
    if (isError) notify("error", error.message);
  }, [isError, error, notify]);

  const tasks = query.data?.pages.flatMap((page) => page.items) ?? [];
  const total = query.data?.pages.at(-1)?.total ?? 0;
  const filtered = filters.status !== "all" || q.trim() !== "";
  const set = <K extends keyof TaskFilters>(key: K, value: TaskFilters[K]) => setFilters((f) => ({ ...f, [key]: value }));

  return (
    <main className="mx-auto max-w-3xl space-y-6 px-4 py-6">
      <h1 className="sr-only">Your tasks</h1>
      <NewTaskForm userId={userId} />

      <section aria-labelledby={`${id}-list`} className="space-y-4">
        <div className="flex items-baseline justify-between gap-4">
          <h2 id={`${id}-list`} className="text-lg font-semibold">
            Your tasks
          </h2>
          {query.data ? (
            <p className="text-sm text-slate-600" aria-live="polite">
              {total === 1 ? "1 task" : `${total} tasks`}
              {filtered ? " found" : ""}
            </p>
          ) : null}
        </div>

        <div className="grid grid-cols-2 gap-3 md:grid-cols-5" role="group" aria-label="Filter and sort">
          <div className="col-span-2">
            <label htmlFor={`${id}-search`} className="text-sm font-medium">
              Search
            </label>
            <input
              id={`${id}-search`}
              type="search"
              value={search}
              onChange={(e) => setSearch(e.target.value)}
              placeholder="Words in title or description"
              disabled={!hydrated}
              className={`mt-1 ${inputClass}`}
            />
          </div>
          <div>
            <label htmlFor={`${id}-status`} className="text-sm font-medium">
              Show
            </label>
            <select
              id={`${id}-status`}
              value={filters.status}
              onChange={(e) => set("status", e.target.value as TaskFilters["status"])}
              disabled={!hydrated}
              className={`mt-1 ${inputClass}`}
            >
              <option value="all">All</option>
              <option value="pending">Pending</option>
              <option value="completed">Completed</option>
            </select>
          </div>
          <div>
            <label htmlFor={`${id}-sort`} className="text-sm font-medium">
              Sort by
            </label>
            <select
              id={`${id}-sort`}
              value={filters.sort}
              onChange={(e) => set("sort", e.target.value as TaskFilters["sort"])}
              disabled={!hydrated}
              className={`mt-1 ${inputClass}`}
            >
              <option value="created">Created</option>
              <option value="title">Title</option>
              <option value="due_date">Due date</option>
              <option value="priority">Priority</option>
            </select>
          </div>
          <div>
            <label htmlFor={`${id}-order`} className="text-sm font-medium">
              Order
            </label>
            <select
              id={`${id}-order`}
              value={filters.order}
              onChange={(e) => set("order", e.target.value as TaskFilters["order"])}
              disabled={!hydrated}
              className={`mt-1 ${inputClass}`}
            >
              <option value="desc">Descending</option>
              <option value="asc">Ascending</option>
            </select>
          </div>
        </div>

        {query.isPending ? (
          <div role="status" aria-label="Loading tasks" className="space-y-3">
            {[0, 1, 2].map((n) => (
              <div key={n} aria-hidden="true" className="h-20 animate-pulse rounded-lg bg-slate-200" />
            ))}
          </div>
        ) : query.isError && tasks.length === 0 ? (
          <div className="rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-800">
            <p>Your tasks could not be loaded.</p>
            <button type="button" onClick={() => query.refetch()} className={`${secondaryButton} mt-3`}>
              Try again
            </button>
          </div>
        ) : tasks.length === 0 ? (
          <p className="rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center text-slate-600">
            {filtered ? "No tasks match. Try another search or filter." : "No tasks yet. Add your first one above."}
          </p>
        ) : (
          <ul className="space-y-3" aria-labelledby={`${id}-list`}>
            {tasks.map((task) => (
              <TaskItem key={task.id} task={task} userId={userId} />
            ))}
          </ul>
        )}

        {query.hasNextPage ? (
          <div className="flex justify-center">
            <button
              type="button"
              onClick={() => query.fetchNextPage()}
              disabled={query.isFetchingNextPage}
              className={secondaryButton}
            >
              {query.isFetchingNextPage ? "Loading…" : `Load more (${total - tasks.length} left)`}
            </button>
          </div>
        ) : null}
      </section>
    </main>
  );
}
