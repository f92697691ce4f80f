// When a task's reminder (remind_at, DESIGN section 10) comes due while the app is open: one timer for
// the soonest reminder, each reminder fired once. The clock and timers are injectable for tests.

export type Remindable = { id: number; title: string; completed: boolean; remind_at: string | null };

export type ReminderClock = {
  now: () => number;
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
};

/** Browsers cap a timer at 2^31 - 1 ms; a later reminder is re-checked when this one wakes. */
const MAX_DELAY_MS = 2_147_483_647;

export type ReminderScheduler = {
  /** The tasks to watch (replaces the previous set); due reminders fire at once. */
  update(tasks: readonly Remindable[]): void;
  stop(): void;
};

/** A reminder this much older than the page when it opens still fires; older ones have passed unseen. */
const GRACE_MS = 60_000;

export function createReminderScheduler(
  onDue: (task: Remindable) => void,
  clock: ReminderClock = {
    now: Date.now,
    setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
    clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
  },
): ReminderScheduler {
  const fired = new Set<string>(); // `${id}@${remind_at}`: a moved reminder fires again
  const openedAt = clock.now();
  let watched: readonly Remindable[] = [];
  let timer: unknown = null;

  const key = (task: Remindable) => `${task.id}@${task.remind_at}`;

  function check() {
    timer = null;
    const now = clock.now();
    let next = Infinity;
    for (const task of watched) {
      if (task.completed || !task.remind_at || fired.has(key(task))) continue;
      const at = Date.parse(task.remind_at);
      if (Number.isNaN(at)) continue;
      if (at <= now) {
        fired.add(key(task));
        if (at >= openedAt - GRACE_MS) onDue(task);
      } else next = Math.min(next, at);
    }
    if (next !== Infinity) timer = clock.setTimeout(check, Math.min(MAX_DELAY_MS, next - now));
  }

  return {
    update(tasks) {
      watched = tasks;
      if (timer !== null) clock.clearTimeout(timer);
      check();
    },
    stop() {
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
      watched = [];
    },
  };
}
