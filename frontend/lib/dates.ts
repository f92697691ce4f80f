// Due dates are calendar dates (YYYY-MM-DD) in the user's own time zone.

/** The cookie in which the browser leaves its time zone, so the server groups tasks by the same "today". */
export const TIME_ZONE_COOKIE = "tz";

const pad = (n: number) => String(n).padStart(2, "0");

export function todayIso(now: Date = new Date()): string {
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** Today's date in an IANA time zone (the server renders with the browser's zone from a cookie). */
export function todayInZone(timeZone: string | undefined, now: Date = new Date()): string {
  if (timeZone) {
    try {
      // en-CA formats dates as YYYY-MM-DD.
      return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
    } catch {
      // an unknown zone: fall through to the server's own
    }
  }
  return todayIso(now);
}

/** The calendar date `days` after `iso` (negative: before). */
export function addDays(iso: string, days: number): string {
  const [y, m, d] = iso.split("-").map(Number);
  const date = new Date(Date.UTC(y!, m! - 1, d! + days));
  return date.toISOString().slice(0, 10);
}

export function isOverdue(dueDate: string | null, completed: boolean, now: Date = new Date()): boolean {
  return !completed && dueDate !== null && dueDate < todayIso(now);
}

export function formatDueDate(dueDate: string, withYear = true): string {
  const [y, m, d] = dueDate.split("-").map(Number);
  if (!y || !m || !d) return dueDate;
  return new Date(y, m - 1, d).toLocaleDateString("en-GB", {
    weekday: withYear ? undefined : "short",
    day: "numeric",
    month: "short",
    year: withYear ? "numeric" : undefined,
  });
}

/** When a task is due, in words: "Overdue since 1 Dec", "Due today", "Due tomorrow", "Due Fri 5 Dec". */
export function describeDue(dueDate: string, today: string, completed: boolean): string {
  if (!completed && dueDate < today) return `Overdue since ${formatDueDate(dueDate, dueDate.slice(0, 4) !== today.slice(0, 4))}`;
  if (dueDate === today) return "Due today";
  if (dueDate === addDays(today, 1)) return "Due tomorrow";
  return `Due ${formatDueDate(dueDate, dueDate.slice(0, 4) !== today.slice(0, 4))}`;
}

/** An ISO instant as a datetime-local field shows it (the browser's zone, minutes). */
export function toLocalInput(iso: string | null): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return `${todayIso(d)}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local field's value as a timezone-aware ISO instant (the API refuses naive ones). */
export function fromLocalInput(value: string): string | null {
  if (!value) return null;
  const d = new Date(value); // read in the browser's zone
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export type Frequency = "daily" | "weekly" | "monthly" | "yearly";

/** The due date one step later, as the backend computes a successor's (month ends clamp). */
export function nextOccurrence(due: string, frequency: Frequency, interval = 1): string {
  if (frequency === "daily") return addDays(due, interval);
  if (frequency === "weekly") return addDays(due, 7 * interval);
  const [y, m, d] = due.split("-").map(Number) as [number, number, number];
  const months = frequency === "monthly" ? interval : 12 * interval;
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = index % 12;
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return `${year}-${pad(month + 1)}-${pad(Math.min(d, last))}`;
}

export function describeRecurrence(frequency: Frequency, interval = 1): string {
  const unit = { daily: "day", weekly: "week", monthly: "month", yearly: "year" }[frequency];
  return interval === 1 ? `Repeats every ${unit}` : `Repeats every ${interval} ${unit}s`;
}
