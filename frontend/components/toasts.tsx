"use client";
// Short messages after an action: successes in a polite status region, failures in an alert region.
// They sit in the page's flow (never over a control), a message already shown is not shown twice, and
// a message with a `key` (e.g. "tasks-load") is replaced by the next one with that key and taken away
// with `clear(key)` once the fault is gone.
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from "react";

type Tone = "success" | "error";
type Toast = { id: number; tone: Tone; text: string; key: string };
type Notify = (tone: Tone, text: string, key?: string) => void;
type Toasts = { notify: Notify; clear: (key: string) => void; toasts: Toast[]; dismiss: (id: number) => void };

const LIFETIME_MS = { success: 4000, error: 10_000 };
const MAX_SHOWN = 3;

const ToastContext = createContext<Toasts>({ notify: () => undefined, clear: () => undefined, toasts: [], dismiss: () => undefined });

export function useToast(): Notify {
  return useContext(ToastContext).notify;
}

/** Takes away the message with this key (the fault it reported is gone). */
export function useClearToast(): (key: string) => void {
  return useContext(ToastContext).clear;
}

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);
  const timers = useRef(new Map<number, ReturnType<typeof setTimeout>>());

  const dismiss = useCallback((id: number) => {
    clearTimeout(timers.current.get(id));
    timers.current.delete(id);
    setToasts((all) => all.filter((t) => t.id !== id));
  }, []);

  const notify = useCallback<Notify>(
    (tone, text, key) => {
      const id = nextId.current++;
      const toast = { id, tone, text, key: key ?? `${tone}:${text}` };
      setToasts((all) => [...all.filter((t) => t.key !== toast.key && t.text !== text).slice(-(MAX_SHOWN - 1)), toast]);
      timers.current.set(id, setTimeout(() => dismiss(id), LIFETIME_MS[tone]));
    },
    [dismiss],
  );

  const clear = useCallback((key: string) => {
    setToasts((all) => (all.some((t) => t.key === key) ? all.filter((t) => t.key !== key) : all));
  }, []);

  const value = useMemo(() => ({ notify, clear, toasts, dismiss }), [notify, clear, toasts, dismiss]);
  return <ToastContext.Provider value={value}>{children}</ToastContext.Provider>;
}

/** Where the messages appear: in the flow of the page, above the list. */
export function ToastRegion() {
  const { toasts, dismiss } = useContext(ToastContext);
  const render = (tone: Tone) =>
    toasts
      .filter((t) => t.tone === tone)
      .map((t) => (
        <div
          key={t.id}
          className={`flex items-start gap-3 rounded-md border px-3 py-2 text-sm ${
            tone === "error" ? "border-danger bg-danger-soft text-danger" : "border-line bg-raised text-ink"
          }`}
        >
          <span className="flex-1">{t.text}</span>
          <button
            type="button"
            onClick={() => dismiss(t.id)}
            aria-label="Dismiss message"
            className="-my-1 inline-flex size-7 shrink-0 items-center justify-center rounded text-base opacity-80 hover:opacity-100"
          >
            ×
          </button>
        </div>
      ));
  return (
    <>
      <div role="status" aria-live="polite" className="space-y-2 [&:not(:empty)]:mb-3">
        {render("success")}
      </div>
      <div role="alert" aria-live="assertive" className="space-y-2 [&:not(:empty)]:mb-3">
        {render("error")}
      </div>
    </>
  );
}
