"use client";
// The tasks page body: quick add, views and filters (kept in the URL), the open tasks grouped by when
// they are due, and the completed ones apart.
import { useEffect, useId, useMemo, useRef, useState, type ReactNode } from "react";

import type { Task, TaskList } from "@/lib/api-client";
import { useHydrated } from "@/lib/client/use-hydrated";
import { useReminders } from "@/lib/client/use-reminders";
import { useDeleteTag, useRenameTag, useTags, useTaskList } from "@/lib/client/use-tasks";
import { useToday } from "@/lib/client/use-today";
import { useViewState, type SetViewState } from "@/lib/client/use-view-state";
import {
  GROUPS,
  SORTS,
  VIEWS,
  VIEW_LABELS,
  defaultDueFor,
  groupTasks,
  isFiltered,
  listQuery,
  serializeViewState,
  type Group,
  type SortKey,
  type View,
  type ViewState,
} from "@/lib/task-view";

import { ConfirmDialog } from "./confirm-dialog";
import { EditorProvider } from "./editor-context";
import { ChevronIcon } from "./icons";
import { QuickAdd } from "./quick-add";
import { Shortcuts } from "./shortcuts";
import { TaskItem } from "./task-item";
import { ToastRegion, useClearToast, useToast } from "./toasts";
import { inputClass, labelClass, quietButton, secondaryButton } from "./ui";

const LOAD_ERROR = "tasks-load";

type Pages = { pages: TaskList[] };

export function TasksView({ userId, today: serverToday }: { userId: string; today: string }) {
  const [state, setState] = useViewState();
  const today = useToday(serverToday);
  const open = useTaskList(userId, listQuery(state, "pending"));
  const done = useTaskList(userId, listQuery(state, "completed"));
  const notify = useToast();
  const clearToast = useClearToast();
  const [completedShown, setCompletedShown] = useState(true);
  const id = useId();

  // One message while the list cannot be loaded, gone as soon as it can.
  const loadError = open.error ?? done.error;
  useEffect(() => {
    if (loadError) notify("error", loadError.message, LOAD_ERROR);
    else if (open.isSuccess && done.isSuccess) clearToast(LOAD_ERROR);
  }, [loadError, open.isSuccess, done.isSuccess, notify, clearToast]);

  // A task toggled a moment ago is already in its new place, before the lists are read again.
  const { openTasks, doneTasks, unloaded } = useMemo(() => {
    const seen = new Set<number>();
    const all: Task[] = [];
    const pages = [...(open.data?.pages ?? []), ...(done.data?.pages ?? [])];
    for (const task of pages.flatMap((page) => page.items)) {
      if (!seen.has(task.id)) all.push(task);
      seen.add(task.id);
    }
    const loaded = (data: Pages | undefined) => data?.pages.reduce((n, p) => n + p.items.length, 0) ?? 0;
    const total = (data: Pages | undefined) => data?.pages.at(-1)?.total ?? 0;
    return {
      openTasks: all.filter((task) => !task.completed),
      doneTasks: all.filter((task) => task.completed),
      unloaded: {
        open: Math.max(0, total(open.data) - loaded(open.data)),
        done: Math.max(0, total(done.data) - loaded(done.data)),
      },
    };
  }, [open.data, done.data]);

  useReminders(openTasks, notify);
  const groups = groupTasks(openTasks, today);
  const loaded = open.data !== undefined && done.data !== undefined;
  const counts: Record<View, number> = {
    all: openTasks.length + unloaded.open,
    overdue: groups.overdue.length,
    today: groups.today.length,
    upcoming: groups.upcoming.length,
    nodate: groups.nodate.length,
    completed: doneTasks.length + unloaded.done,
  };
  const shownGroups: readonly Group[] = state.view === "all" ? GROUPS : state.view === "completed" ? [] : [state.view];
  const nothingAtAll = loaded && counts.all === 0 && counts.completed === 0;

  return (
    <EditorProvider>
      <main id="main" tabIndex={-1} className="mx-auto max-w-3xl space-y-3 px-4 py-4 focus:outline-none">
        <h1 className="sr-only">Your tasks</h1>
        <QuickAdd userId={userId} defaultDue={defaultDueFor(state.view, today)} />
        <ToastRegion />
        <Toolbar state={state} setState={setState} counts={loaded ? counts : null} userId={userId} />

        {loaded ? (
          <p className="text-sm text-muted" aria-live="polite">
            {counts.all} open · {counts.completed} done
          </p>
        ) : null}

        {!loaded && (open.isPending || done.isPending) && !loadError ? (
          <div role="status" aria-label="Loading tasks" className="space-y-2">
            {[0, 1, 2].map((n) => (
              <div key={n} aria-hidden="true" className="h-12 animate-pulse rounded-md bg-raised" />
            ))}
          </div>
        ) : !loaded && loadError ? (
          <div className="rounded-lg border border-danger bg-danger-soft p-4 text-sm text-danger">
            <p>Your tasks could not be loaded.</p>
            <button
              type="button"
              onClick={() => {
                void open.refetch();
                void done.refetch();
              }}
              className={`${secondaryButton} mt-3`}
            >
              Try again
            </button>
          </div>
        ) : nothingAtAll ? (
          <p className="rounded-lg border border-dashed border-line p-8 text-center text-muted">
            {isFiltered(state) ? "No tasks match. Try another search or filter." : "No tasks yet. Add your first one above."}
          </p>
        ) : (
          <>
            {shownGroups.map((group) =>
              groups[group].length > 0 || state.view === group ? (
                <TaskGroup key={group} id={`${id}-${group}`} title={VIEW_LABELS[group]} count={groups[group].length}>
                  {groups[group].length > 0 ? (
                    <ul aria-labelledby={`${id}-${group}`}>
                      {groups[group].map((task) => (
                        <TaskItem key={task.id} task={task} userId={userId} today={today} />
                      ))}
                    </ul>
                  ) : (
                    <p className="p-4 text-sm text-muted">Nothing {group === "nodate" ? "without a date" : VIEW_LABELS[group].toLowerCase()}.</p>
                  )}
                </TaskGroup>
              ) : null,
            )}
            {open.hasNextPage && state.view !== "completed" ? (
              <LoadMore onClick={() => open.fetchNextPage()} busy={open.isFetchingNextPage} left={unloaded.open} />
            ) : null}

            {(state.view === "all" || state.view === "completed") && (doneTasks.length > 0 || state.view === "completed") ? (
              <section aria-labelledby={`${id}-done`} className="rounded-lg border border-line bg-surface">
                <h2 id={`${id}-done`}>
                  <button
                    type="button"
                    aria-expanded={completedShown}
                    aria-controls={`${id}-done-list`}
                    onClick={() => setCompletedShown((shown) => !shown)}
                    className="flex w-full items-center gap-2 px-3 py-2 text-left text-sm font-semibold"
                  >
                    <span className={completedShown ? "" : "-rotate-90"}>
                      <ChevronIcon />
                    </span>
                    Completed <span className="font-normal text-muted">({counts.completed})</span>
                  </button>
                </h2>
                <div id={`${id}-done-list`} hidden={!completedShown} className="border-t border-line">
                  {doneTasks.length > 0 ? (
                    <ul aria-labelledby={`${id}-done`}>
                      {doneTasks.map((task) => (
                        <TaskItem key={task.id} task={task} userId={userId} today={today} />
                      ))}
                    </ul>
                  ) : (
                    <p className="p-4 text-sm text-muted">Nothing completed yet.</p>
                  )}
                  {done.hasNextPage ? (
                    <LoadMore onClick={() => done.fetchNextPage()} busy={done.isFetchingNextPage} left={unloaded.done} />
                  ) : null}
                </div>
              </section>
            ) : null}
          </>
        )}
        <Shortcuts />
      </main>
    </EditorProvider>
  );
}

function TaskGroup({ id, title, count, children }: { id: string; title: string; count: number; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="rounded-lg border border-line bg-surface">
      <h2 id={id} className="border-b border-line px-3 py-2 text-sm font-semibold">
        {title} <span className="font-normal text-muted">({count})</span>
      </h2>
      {children}
    </section>
  );
}

function LoadMore({ onClick, busy, left }: { onClick: () => void; busy: boolean; left: number }) {
  return (
    <div className="flex justify-center p-2">
      <button type="button" onClick={onClick} disabled={busy} className={secondaryButton}>
        {busy ? "Loading…" : `Load more (${left} left)`}
      </button>
    </div>
  );
}

function Toolbar({
  state,
  setState,
  counts,
  userId,
}: {
  state: ViewState;
  setState: SetViewState;
  counts: Record<View, number> | null;
  userId: string;
}) {
  const id = useId();
  const hydrated = useHydrated(); // controlled fields: keep them until React can see their changes
  const [filtersShown, setFiltersShown] = useState(Boolean(state.priority || state.dueFrom || state.dueTo || state.tag));
  const activeFilters = [state.priority, state.dueFrom, state.dueTo, state.tag].filter(Boolean).length;

  // The search box is typed into freely; the URL follows a moment later (replacing, not adding to history).
  const [search, setSearch] = useState(state.q);
  const written = useRef(state.q);
  useEffect(() => {
    if (state.q !== written.current) {
      written.current = state.q;
      setSearch(state.q); // the URL changed by itself (back, a link)
    }
  }, [state.q]);
  useEffect(() => {
    if (search === written.current) return;
    const timer = setTimeout(() => {
      written.current = search;
      setState({ q: search }, { replace: true });
    }, 300);
    return () => clearTimeout(timer);
  }, [search, setState]);

  return (
    <div className="space-y-2">
      <nav aria-label="Views" className="-mx-1 overflow-x-auto">
        <ul className="flex gap-1 px-1">
          {VIEWS.map((view) => {
            const current = state.view === view;
            return (
              <li key={view}>
                <a
                  href={`/tasks${serializeViewState({ ...state, view })}`}
                  aria-current={current ? "page" : undefined}
                  onClick={(event) => {
                    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
                    event.preventDefault();
                    setState({ view });
                  }}
                  className={`inline-flex min-h-8 items-center gap-1 whitespace-nowrap rounded-full px-3 text-sm ${
                    current ? "bg-accent font-medium text-on-accent" : "text-ink hover:bg-raised"
                  }`}
                >
                  {VIEW_LABELS[view]}
                  {counts && view !== "all" ? <span className={current ? "" : "text-muted"}>{counts[view]}</span> : null}
                </a>
              </li>
            );
          })}
        </ul>
      </nav>
      <div className="flex items-end gap-2" role="group" aria-label="Search, filter and sort">
        <div className="min-w-0 flex-1">
          <label htmlFor={`${id}-search`} className="sr-only">
            Search
          </label>
          <input
            id={`${id}-search`}
            type="search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            placeholder="Search tasks"
            disabled={!hydrated}
            data-shortcut-target="search"
            className={inputClass}
          />
        </div>
        <button
          type="button"
          aria-expanded={filtersShown}
          aria-controls={`${id}-filters`}
          onClick={() => setFiltersShown((shown) => !shown)}
          className={`${secondaryButton} min-h-[38px]`}
        >
          Filters{activeFilters ? ` (${activeFilters})` : ""}
        </button>
        <div>
          <label htmlFor={`${id}-sort`} className="sr-only">
            Sort by
          </label>
          <select
            id={`${id}-sort`}
            value={state.sort}
            onChange={(e) => setState({ sort: e.target.value as SortKey })}
            disabled={!hydrated}
            className={inputClass}
          >
            {(Object.keys(SORTS) as SortKey[]).map((key) => (
              <option key={key} value={key}>
                {`Sort: ${SORTS[key].label}`}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div id={`${id}-filters`} role="group" aria-label="Filters" hidden={!filtersShown} className="grid grid-cols-2 gap-2 rounded-lg border border-line bg-surface p-3 sm:grid-cols-4">
        <div>
          <label htmlFor={`${id}-priority`} className={labelClass}>
            Priority
          </label>
          <select
            id={`${id}-priority`}
            value={state.priority ?? ""}
            onChange={(e) => setState({ priority: (e.target.value || null) as ViewState["priority"] })}
            disabled={!hydrated}
            className={`mt-1 ${inputClass}`}
          >
            <option value="">Any</option>
            <option value="high">High</option>
            <option value="medium">Medium</option>
            <option value="low">Low</option>
          </select>
        </div>
        <div>
          <label htmlFor={`${id}-from`} className={labelClass}>
            Due from
          </label>
          <input
            id={`${id}-from`}
            type="date"
            value={state.dueFrom ?? ""}
            max={state.dueTo ?? undefined}
            onChange={(e) => setState({ dueFrom: e.target.value || null })}
            disabled={!hydrated}
            className={`mt-1 ${inputClass}`}
          />
        </div>
        <div>
          <label htmlFor={`${id}-to`} className={labelClass}>
            Due until
          </label>
          <input
            id={`${id}-to`}
            type="date"
            value={state.dueTo ?? ""}
            min={state.dueFrom ?? undefined}
            onChange={(e) => setState({ dueTo: e.target.value || null })}
            disabled={!hydrated}
            className={`mt-1 ${inputClass}`}
          />
        </div>
        <div className="flex items-end">
          <button
            type="button"
            onClick={() => setState({ priority: null, dueFrom: null, dueTo: null, tag: null })}
            disabled={!activeFilters}
            className={quietButton}
          >
            Clear filters
          </button>
        </div>
        <TagList userId={userId} selected={state.tag} onSelect={(tag) => setState({ tag })} />
      </div>
    </div>
  );
}

/** The user's tags with their counts: pick one to filter by it; rename or delete it everywhere. */
function TagList({ userId, selected, onSelect }: { userId: string; selected: string | null; onSelect: (tag: string | null) => void }) {
  const tags = useTags(userId);
  const rename = useRenameTag(userId);
  const remove = useDeleteTag(userId);
  const notify = useToast();
  const [renaming, setRenaming] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const id = useId();
  if (!tags.data || tags.data.length === 0) return null;

  async function onRename(from: string, to: string) {
    setRenaming(null);
    if (!to.trim() || to.trim() === from) return;
    try {
      const renamed = await rename.mutateAsync({ from, to: to.trim() });
      if (selected?.toLowerCase() === from.toLowerCase()) onSelect(renamed.name);
      notify("success", `Renamed #${from} to #${renamed.name}.`);
    } catch (error) {
      notify("error", error instanceof Error ? error.message : "Could not rename the tag.", `tag-${from}`);
    }
  }

  async function onDelete(name: string) {
    setDeleting(null);
    try {
      await remove.mutateAsync(name);
      if (selected?.toLowerCase() === name.toLowerCase()) onSelect(null);
      notify("success", `Removed #${name} from every task.`);
    } catch (error) {
      notify("error", error instanceof Error ? error.message : "Could not delete the tag.", `tag-${name}`);
    }
  }

  return (
    <section aria-labelledby={`${id}-tags`} className="col-span-2 sm:col-span-4">
      <h3 id={`${id}-tags`} className={labelClass}>
        Tags
      </h3>
      <ul className="mt-1 space-y-1">
        {tags.data.map((tag) => (
          <li key={tag.name} className="flex items-center gap-1">
            {renaming === tag.name ? (
              <form
                className="flex flex-1 items-center gap-1"
                onSubmit={(event) => {
                  event.preventDefault();
                  void onRename(tag.name, String(new FormData(event.currentTarget).get("name") ?? ""));
                }}
              >
                <label htmlFor={`${id}-rename`} className="sr-only">
                  New name for #{tag.name}
                </label>
                <input id={`${id}-rename`} name="name" defaultValue={tag.name} maxLength={32} autoFocus className={inputClass} />
                <button type="submit" className={secondaryButton}>
                  Save
                </button>
                <button type="button" onClick={() => setRenaming(null)} className={quietButton}>
                  Cancel
                </button>
              </form>
            ) : (
              <>
                <button
                  type="button"
                  aria-pressed={selected?.toLowerCase() === tag.name.toLowerCase()}
                  onClick={() => onSelect(selected?.toLowerCase() === tag.name.toLowerCase() ? null : tag.name)}
                  className={`inline-flex min-h-8 flex-1 items-center justify-between rounded-md px-2 text-left text-sm ${
                    selected?.toLowerCase() === tag.name.toLowerCase() ? "bg-accent text-on-accent" : "hover:bg-raised"
                  }`}
                >
                  <span>#{tag.name}</span>
                  <span>{tag.count}</span>
                </button>
                <button type="button" onClick={() => setRenaming(tag.name)} className={quietButton} aria-label={`Rename tag ${tag.name}`}>
                  Rename
                </button>
                <button type="button" onClick={() => setDeleting(tag.name)} className={quietButton} aria-label={`Delete tag ${tag.name}`}>
                  Delete
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
      {deleting ? (
        <ConfirmDialog
          title={`Delete the tag #${deleting}?`}
          body="It is taken off every task that carries it; the tasks stay."
          confirmLabel="Delete tag"
          onConfirm={() => void onDelete(deleting)}
          onCancel={() => setDeleting(null)}
        />
      ) : null}
    </section>
  );
}
