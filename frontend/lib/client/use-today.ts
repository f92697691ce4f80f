"use client";
// Today's date in the browser's time zone. The server renders with the date it was given (from the
// zone the browser left in a cookie), so hydration matches; a changed date re-renders after it.
import { useEffect, useSyncExternalStore } from "react";

import { TIME_ZONE_COOKIE, todayIso } from "../dates";

function subscribe(onChange: () => void) {
  const timer = setInterval(onChange, 60_000); // the date turns over at midnight
  return () => clearInterval(timer);
}

export function useToday(serverToday: string): string {
  useEffect(() => {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    document.cookie = `${TIME_ZONE_COOKIE}=${encodeURIComponent(zone)}; path=/; max-age=31536000; samesite=lax`;
  }, []);
  return useSyncExternalStore(subscribe, () => todayIso(), () => serverToday);
}
