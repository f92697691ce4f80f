"use client";
// The page a reset link leads to (through Better Auth's callback, which adds ?token= or ?error=).
import Link from "next/link";
import { useState, type FormEvent } from "react";

import { authClient } from "@/lib/client/auth-client";
import { describeAuthError, type AuthError } from "@/lib/auth-errors";
import { useHydrated } from "@/lib/client/use-hydrated";

import { inputClass, primaryButton } from "./ui";

const EXPIRED = "This reset link has expired or has already been used. Ask for a new one.";

export function ResetPasswordForm({ token, linkError }: { token: string | null; linkError: boolean }) {
  const hydrated = useHydrated();
  const [error, setError] = useState<string | null>(linkError || !token ? EXPIRED : null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  async function reset(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const newPassword = String(new FormData(event.currentTarget).get("newPassword") ?? "");
    if (!token) return;
    if (!newPassword) {
      setError("Enter a new password.");
      return;
    }
    setBusy(true);
    setError(null);
    const { error: failure } = await authClient.resetPassword({ newPassword, token });
    setBusy(false);
    if (failure) {
      setError(failure.code === "INVALID_TOKEN" ? EXPIRED : describeAuthError(failure as AuthError));
      return;
    }
    setDone(true);
  }

  return (
    <main id="main" className="mx-auto flex min-h-screen max-w-md flex-col justify-center px-4 py-12">
      <h1 className="text-2xl font-semibold">Choose a new password</h1>
      {done ? (
        <div role="status" className="mt-6 space-y-2 rounded-lg bg-surface p-6 shadow">
          <p>Your password has been reset, and every session of your account has been signed out.</p>
          <p>
            <Link href="/login" className="font-medium text-accent underline">
              Sign in with your new password
            </Link>
          </p>
        </div>
      ) : (
        <form method="post" noValidate onSubmit={reset} className="mt-6 space-y-4 rounded-lg bg-surface p-6 shadow">
          {error ? (
            <p role="alert" className="rounded-md border border-danger bg-danger-soft px-3 py-2 text-sm text-danger">
              {error}{" "}
              {error === EXPIRED ? (
                <Link href="/forgot-password" className="font-medium underline">
                  Send a new link
                </Link>
              ) : null}
            </p>
          ) : null}
          <div>
            <label htmlFor="new-password" className="text-sm font-medium">
              New password
            </label>
            <input
              id="new-password"
              name="newPassword"
              type="password"
              autoComplete="new-password"
              aria-describedby="new-password-hint"
              required
              className={`mt-1 ${inputClass}`}
            />
            <p id="new-password-hint" className="mt-1 text-xs text-muted">
              8 to 128 characters. Every device signed in to your account will be signed out.
            </p>
          </div>
          <button type="submit" disabled={!hydrated || busy || !token} className={`w-full ${primaryButton}`}>
            Reset password
          </button>
        </form>
      )}
    </main>
  );
}
