// The reminder scheduler on a fake clock: each reminder fires once, when it is due, never early.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { createReminderScheduler, type Remindable } from "@/lib/reminders";

const START = Date.parse("2026-05-10T09:00:00Z");
const at = (minutes: number) => new Date(START + minutes * 60_000).toISOString();
const task = (id: number, remind_at: string | null, completed = false): Remindable => ({ id, title: `task ${id}`, completed, remind_at });

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(START);
});
afterEach(() => vi.useRealTimers());

describe("reminders", () => {
  it("fire when due, in order, once each", () => {
    const fired: number[] = [];
    const scheduler = createReminderScheduler((t) => fired.push(t.id));
    scheduler.update([task(1, at(10)), task(2, at(5)), task(3, null)]);
    vi.advanceTimersByTime(4 * 60_000 + 59_000);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1_000);
    expect(fired).toEqual([2]);
    vi.advanceTimersByTime(5 * 60_000);
    expect(fired).toEqual([2, 1]);
    scheduler.update([task(1, at(10)), task(2, at(5))]); // the list reloaded: nothing fires twice
    vi.advanceTimersByTime(60 * 60_000);
    expect(fired).toEqual([2, 1]);
  });

  it("fire at once for a reminder already past, skip completed tasks, and fire again when moved", () => {
    const fired: number[] = [];
    const scheduler = createReminderScheduler((t) => fired.push(t.id));
    scheduler.update([task(1, at(-1)), task(2, at(-1), true), task(3, at(-90))]);
    expect(fired).toEqual([1]); // 3 was due long before the page opened: not sprung on the person
    scheduler.update([task(1, at(3))]);
    vi.advanceTimersByTime(3 * 60_000);
    expect(fired).toEqual([1, 1]);
  });

  it("stop watching on stop(), and follow a changed list", () => {
    const fired: number[] = [];
    const scheduler = createReminderScheduler((t) => fired.push(t.id));
    scheduler.update([task(1, at(1))]);
    scheduler.update([]); // the task was deleted
    vi.advanceTimersByTime(2 * 60_000);
    expect(fired).toEqual([]);
    scheduler.update([task(2, at(3))]);
    scheduler.stop();
    vi.advanceTimersByTime(5 * 60_000);
    expect(fired).toEqual([]);
  });
});
