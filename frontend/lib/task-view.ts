// What the tasks page shows, as it lives in the URL (?view=today&priority=high&sort=priority...):
// parsed the same way by the server (to put the first page in the HTML) and by the browser.
import type { ListTasksQuery, Priority, Task } from "./api-client";
import { addDays } from "./dates";

export const VIEWS = ["all", "overdue", "today", "upcoming", "nodate", "completed"] as const;
export type View = (typeof VIEWS)[number];
export const VIEW_LABELS: Record<View, string> = {
  all: "All",
  overdue: "Overdue",
  today: "Today",
  upcoming: "Upcoming",
  nodate: "No date",
  completed: "Completed",
};

/** Each sort a person picks maps to the API's sort and order. */
export const SORTS = {
  due: { label: "Due date", sort: "due_date", order: "asc" },
  priority: { label: "Priority", sort: "priority", order: "desc" },
  title: { label: "Title", sort: "title", order: "asc" },
  newest: { label: "Newest", sort: "created", order: "desc" },
  oldest: { label: "Oldest", sort: "created", order: "asc" },
} as const satisfies Record<string, { label: string; sort: ListTasksQuery["sort"]; order: ListTasksQuery["order"] }>;
export type SortKey = keyof typeof SORTS;

const PRIORITIES: readonly Priority[] = ["low", "medium", "high"];
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export type ViewState = {
  view: View;
  q: string;
  priority: Priority | null;
  dueFrom: string | null;
  dueTo: string | null;
  tag: string | null;
  sort: SortKey;
};

export const DEFAULT_VIEW_STATE: ViewState = { view: "all", q: "", priority: null, dueFrom: null, dueTo: null, tag: null, sort: "due" };

type Params = URLSearchParams | Record<string, string | string[] | undefined>;

function read(params: Params, key: string): string | undefined {
  if (params instanceof URLSearchParams) return params.get(key) ?? undefined;
  const value = params[key];
  return Array.isArray(value) ? value[0] : value;
}

const oneOf = <T extends string>(allowed: readonly T[], value: string | undefined): T | null =>
  value !== undefined && (allowed as readonly string[]).includes(value) ? (value as T) : null;

const date = (value: string | undefined) => (value && ISO_DATE.test(value) ? value : null);

/** Unknown or malformed values fall back to the defaults: a hand-edited link still opens. */
export function parseViewState(params: Params): ViewState {
  return {
    view: oneOf(VIEWS, read(params, "view")) ?? DEFAULT_VIEW_STATE.view,
    q: (read(params, "q") ?? "").slice(0, 200),
    priority: oneOf(PRIORITIES, read(params, "priority")),
    dueFrom: date(read(params, "due_from")),
    dueTo: date(read(params, "due_to")),
    tag: read(params, "tag")?.trim().slice(0, 32) || null,
    sort: oneOf(Object.keys(SORTS) as SortKey[], read(params, "sort")) ?? DEFAULT_VIEW_STATE.sort,
  };
}

/** The query string for a state: only what differs from the defaults, in a fixed order. */
export function serializeViewState(state: ViewState): string {
  const params = new URLSearchParams();
  if (state.view !== DEFAULT_VIEW_STATE.view) params.set("view", state.view);
  if (state.q.trim()) params.set("q", state.q);
  if (state.priority) params.set("priority", state.priority);
  if (state.dueFrom) params.set("due_from", state.dueFrom);
  if (state.dueTo) params.set("due_to", state.dueTo);
  if (state.tag) params.set("tag", state.tag);
  if (state.sort !== DEFAULT_VIEW_STATE.sort) params.set("sort", state.sort);
  const text = params.toString();
  return text ? `?${text}` : "";
}

export function isFiltered(state: ViewState): boolean {
  return Boolean(state.q.trim() || state.priority || state.dueFrom || state.dueTo || state.tag);
}

/** What the backend is asked for: open or completed tasks, searched, filtered and sorted as chosen. */
export function listQuery(state: ViewState, status: "pending" | "completed"): ListTasksQuery {
  const { sort, order } = SORTS[state.sort];
  const q = state.q.trim();
  return {
    status,
    sort,
    order,
    ...(q ? { q } : {}),
    ...(state.tag ? { tag: state.tag } : {}),
    ...(state.priority ? { priority: state.priority } : {}),
    ...(state.dueFrom ? { due_from: state.dueFrom } : {}),
    ...(state.dueTo ? { due_to: state.dueTo } : {}),
  };
}

export const GROUPS = ["overdue", "today", "upcoming", "nodate"] as const;
export type Group = (typeof GROUPS)[number];

/** Where an open task belongs for a given "today" (YYYY-MM-DD in the user's zone). */
export function groupOf(task: Pick<Task, "due_date">, today: string): Group {
  if (!task.due_date) return "nodate";
  if (task.due_date < today) return "overdue";
  if (task.due_date === today) return "today";
  return "upcoming";
}

/** Open tasks by group, each group in the order the list came in. */
export function groupTasks(tasks: readonly Task[], today: string): Record<Group, Task[]> {
  const groups: Record<Group, Task[]> = { overdue: [], today: [], upcoming: [], nodate: [] };
  for (const task of tasks) groups[groupOf(task, today)].push(task);
  return groups;
}

/** The due range a view stands for, e.g. to pre-fill a new task's date. */
export function defaultDueFor(view: View, today: string): string | null {
  if (view === "today") return today;
  if (view === "upcoming") return addDays(today, 1);
  return null;
}
