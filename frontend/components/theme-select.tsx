"use client";
// The colour theme: the system's unless chosen here; the choice is remembered in this browser.
import { useSyncExternalStore } from "react";

import { THEME_STORAGE_KEY, type ThemeChoice } from "@/lib/theme";

import { useHydrated } from "@/lib/client/use-hydrated";

function stored(): ThemeChoice {
  try {
    const value = localStorage.getItem(THEME_STORAGE_KEY);
    return value === "light" || value === "dark" ? value : "system";
  } catch {
    return "system";
  }
}

const CHANGED = "themechange";

function subscribe(onChange: () => void) {
  window.addEventListener("storage", onChange); // chosen in another tab
  window.addEventListener(CHANGED, onChange);
  return () => {
    window.removeEventListener("storage", onChange);
    window.removeEventListener(CHANGED, onChange);
  };
}

export function ThemeSelect() {
  const hydrated = useHydrated();
  const choice = useSyncExternalStore(subscribe, stored, () => "system" as const);

  function choose(next: ThemeChoice) {
    const root = document.documentElement;
    try {
      if (next === "system") localStorage.removeItem(THEME_STORAGE_KEY);
      else localStorage.setItem(THEME_STORAGE_KEY, next);
    } catch {
      // storage refused (private mode): the choice holds for this page only
    }
    if (next === "system") delete root.dataset.theme;
    else root.dataset.theme = next;
    window.dispatchEvent(new Event(CHANGED));
  }

  return (
    <>
      <label htmlFor="theme" className="sr-only">
        Theme
      </label>
      <select
        id="theme"
        value={choice}
        disabled={!hydrated}
        onChange={(e) => choose(e.target.value as ThemeChoice)}
        className="min-h-8 rounded-md border border-line bg-surface px-2 text-sm text-ink"
      >
        <option value="system">System theme</option>
        <option value="light">Light</option>
        <option value="dark">Dark</option>
      </select>
    </>
  );
}
