// Shared Tailwind class lists so controls look and focus the same everywhere.
export const inputClass =
  "block w-full rounded-md border border-line bg-surface px-3 py-2 text-base text-ink shadow-sm focus:border-accent sm:text-sm aria-[invalid=true]:border-danger";
export const labelClass = "text-sm font-medium";
export const primaryButton =
  "inline-flex min-h-9 items-center justify-center rounded-md bg-accent px-4 py-2 text-sm font-medium text-on-accent hover:bg-accent-strong disabled:opacity-60";
export const secondaryButton =
  "inline-flex min-h-9 items-center justify-center rounded-md border border-line bg-surface px-3 py-1.5 text-sm font-medium text-ink hover:bg-raised disabled:opacity-60";
export const quietButton =
  "inline-flex min-h-8 min-w-8 items-center justify-center gap-1 rounded-md px-2 text-sm text-muted hover:bg-raised hover:text-ink disabled:opacity-60";
export const dangerButton =
  "inline-flex min-h-9 items-center justify-center rounded-md bg-danger px-4 py-2 text-sm font-medium text-on-accent hover:opacity-90 disabled:opacity-60";
export const fieldError = "mt-1 text-sm text-danger";
