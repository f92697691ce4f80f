// The tasks page's view state as the URL carries it, and the grouping of open tasks by a fixed "today".
import { describe, expect, it } from "vitest";

import type { Task } from "@/lib/api-client";
import { addDays, describeDue, todayInZone } from "@/lib/dates";
import {
  DEFAULT_VIEW_STATE,
  defaultDueFor,
  groupTasks,
  listQuery,
  parseViewState,
  serializeViewState,
} from "@/lib/task-view";

const TODAY = "2026-05-10";

function task(id: number, due_date: string | null, extra: Partial<Task> = {}): Task {
  return {
    id,
    user_id: "u",
    title: `task ${id}`,
    description: null,
    completed: false,
    priority: "medium",
    due_date,
    tags: [],
    remind_at: null,
    recurrence: null,
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
    ...extra,
  };
}

describe("the view state in the URL", () => {
  it("round-trips every field, writing only what differs from the defaults", () => {
    const state = { view: "today", q: "milk", priority: "high", dueFrom: "2026-05-01", dueTo: "2026-05-31", tag: "home", sort: "priority" } as const;
    const query = serializeViewState(state);
    expect(query).toBe("?view=today&q=milk&priority=high&due_from=2026-05-01&due_to=2026-05-31&tag=home&sort=priority");
    expect(parseViewState(new URLSearchParams(query))).toEqual(state);
    expect(serializeViewState(DEFAULT_VIEW_STATE)).toBe("");
  });

  it("reads the server's searchParams object the same way", () => {
    expect(parseViewState({ view: ["overdue", "today"], sort: "title" })).toEqual({ ...DEFAULT_VIEW_STATE, view: "overdue", sort: "title" });
  });

  it("falls back to the defaults for unknown or malformed values", () => {
    const state = parseViewState(new URLSearchParams("view=later&priority=urgent&due_from=tomorrow&due_to=2026-13&sort=random"));
    expect(state).toEqual(DEFAULT_VIEW_STATE);
  });

  it("asks the backend for open or completed tasks, searched and sorted as chosen", () => {
    expect(listQuery({ ...DEFAULT_VIEW_STATE, q: "  milk ", tag: "home", sort: "priority" }, "pending")).toEqual({
      status: "pending",
      q: "milk",
      tag: "home",
      sort: "priority",
      order: "desc",
    });
    expect(listQuery(DEFAULT_VIEW_STATE, "completed")).toEqual({ status: "completed", sort: "due_date", order: "asc" });
  });

  it("asks the backend for the priority and the inclusive due range, not filtering the loaded page", () => {
    const state = { ...DEFAULT_VIEW_STATE, priority: "high" as const, dueFrom: "2026-05-10", dueTo: "2026-05-12" };
    expect(listQuery(state, "pending")).toEqual({
      status: "pending",
      sort: "due_date",
      order: "asc",
      priority: "high",
      due_from: "2026-05-10",
      due_to: "2026-05-12",
    });
  });
});

describe("grouping by a fixed today", () => {
  it("puts yesterday's task under Overdue, today's under Today, next week's under Upcoming, undated under No date", () => {
    const tasks = [task(1, addDays(TODAY, 7)), task(2, null), task(3, TODAY), task(4, addDays(TODAY, -1)), task(5, addDays(TODAY, -30))];
    const groups = groupTasks(tasks, TODAY);
    expect(groups.overdue.map((t) => t.id)).toEqual([4, 5]);
    expect(groups.today.map((t) => t.id)).toEqual([3]);
    expect(groups.upcoming.map((t) => t.id)).toEqual([1]);
    expect(groups.nodate.map((t) => t.id)).toEqual([2]);
  });

  it("says in words when a task is due", () => {
    expect(describeDue("2026-05-09", TODAY, false)).toBe("Overdue since Sat 9 May");
    expect(describeDue("2026-05-09", TODAY, true)).toMatch(/^Due /);
    expect(describeDue(TODAY, TODAY, false)).toBe("Due today");
    expect(describeDue("2026-05-11", TODAY, false)).toBe("Due tomorrow");
    expect(describeDue("2027-01-02", TODAY, false)).toContain("2027");
  });

  it("crosses month and year ends, and pre-fills a new task's date from the view", () => {
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(defaultDueFor("today", TODAY)).toBe(TODAY);
    expect(defaultDueFor("upcoming", TODAY)).toBe("2026-05-11");
    expect(defaultDueFor("all", TODAY)).toBeNull();
  });

  it("takes today from the browser's time zone", () => {
    const lateUtc = new Date("2026-05-10T23:30:00Z");
    expect(todayInZone("Asia/Tokyo", lateUtc)).toBe("2026-05-11");
    expect(todayInZone("America/New_York", lateUtc)).toBe("2026-05-10");
    expect(todayInZone("Not/AZone", lateUtc)).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});
