"use client";
import { useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";

import { authClient } from "@/lib/client/auth-client";
import { tokenCache } from "@/lib/client/backend";

import { useToast } from "./toasts";

export function SiteHeader({ userName, userEmail }: { userName: string; userEmail: string }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const notify = useToast();
  const [busy, setBusy] = useState(false);

  async function signOut() {
    setBusy(true);
    const { error } = await authClient.signOut();
    if (error) {
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
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-3xl items-center justify-between gap-4 px-4 py-3">
        <p className="text-lg font-semibold">Tasks</p>
        <div className="flex min-w-0 items-center gap-3">
          <span className="truncate text-sm text-slate-600" title={userEmail}>
            {userName}
          </span>
          <Link href="/account" className="shrink-0 text-sm font-medium text-blue-700 underline">
            Account
          </Link>
          <button
            type="button"
            onClick={signOut}
            disabled={busy}
            className="shrink-0 rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-100 disabled:opacity-60"
          >
            Sign out
          </button>
        </div>
      </div>
    </header>
  );
}
