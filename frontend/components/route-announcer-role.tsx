"use client";
// Next.js announces client-side page changes in a hidden live region that also carries role="alert".
// Our pages use role="alert" for errors only (wrong password, failed save), so an error is the one alert
// on the page. This keeps Next's announcer (aria-live="assertive" still speaks) but drops its role.
import { useEffect } from "react";

function dropAnnouncerRole() {
  const announcer = document.querySelector("next-route-announcer")?.shadowRoot?.getElementById("__next-route-announcer__");
  if (announcer?.getAttribute("role") === "alert") announcer.removeAttribute("role");
}

export function RouteAnnouncerRole() {
  useEffect(() => {
    dropAnnouncerRole();
    const observer = new MutationObserver(dropAnnouncerRole);
    observer.observe(document.body, { childList: true });
    return () => observer.disconnect();
  }, []);
  return null;
}
