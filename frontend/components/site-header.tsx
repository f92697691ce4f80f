"use client";
import { useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";

import { tokenCache } from "@/lib/client/backend";

import { ThemeSelect } from "./theme-select";
import { useToast } from "./toasts";

export function SiteHeader({ userName, userEmail }: { userName: string; userEmail: string }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const notify = useToast();
  const [busy, setBusy] = useState(false);

  async function signOut() {
    setBusy(true);
    // Loaded on demand (see lib/client/backend.ts); offline, the import fails like the request would.
    const failed = await import("@/lib/client/auth-client")
      .then(({ authClient }) => authClient.signOut())
      .then(({ error }) => Boolean(error), () => true);
    if (failed) {
      setBusy(false);
      notify("error", "Could not sign out. Check your connection and try again.");
      return;
    }
    tokenCache.clear();
    queryClient.clear();
    router.replace("/login");
    router.refresh();
  }

  return (
    <header className="border-b border-line bg-surface">
      <div className="mx-auto flex max-w-3xl items-center justify-between gap-4 px-4 py-3">
        <p className="text-lg font-semibold">Tasks</p>
        <div className="flex min-w-0 items-center gap-3">
          <ThemeSelect />
          <span className="hidden truncate text-sm text-muted sm:inline" title={userEmail}>
            {userName}
          </span>
          <Link href="/account" className="shrink-0 text-sm font-medium text-accent underline">
            Account
          </Link>
          <button
            type="button"
            onClick={signOut}
            disabled={busy}
            className="shrink-0 rounded-md border border-line px-3 py-1.5 text-sm font-medium hover:bg-raised disabled:opacity-60"
          >
            Sign out
          </button>
        </div>
      </div>
    </header>
  );
}
