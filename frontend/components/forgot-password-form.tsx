"use client";
// Asks Better Auth to mail a reset link. The answer is the same whether or not the address has an
// account, so the page cannot be used to find out who has one.
import Link from "next/link";
import { useState, type FormEvent } from "react";

import { authClient } from "@/lib/client/auth-client";
import { describeAuthError, type AuthError } from "@/lib/auth-errors";
import { useHydrated } from "@/lib/client/use-hydrated";

import { inputClass, primaryButton } from "./ui";

export function ForgotPasswordForm() {
  const hydrated = useHydrated();
  const [error, setError] = useState<string | null>(null);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function send(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const email = String(new FormData(event.currentTarget).get("email") ?? "").trim();
    if (!email) {
      setError("Enter the email address of your account.");
      return;
    }
    setBusy(true);
    setError(null);
    const { error: failure } = await authClient.requestPasswordReset({ email, redirectTo: "/reset-password" });
    setBusy(false);
    if (failure) {
      setError(describeAuthError(failure as AuthError));
      return;
    }
    setSentTo(email);
  }

  return (
    <main id="main" className="mx-auto flex min-h-screen max-w-md flex-col justify-center px-4 py-12">
      <h1 className="text-2xl font-semibold">Reset your password</h1>
      {sentTo ? (
        <div role="status" className="mt-6 space-y-2 rounded-lg bg-surface p-6 shadow">
          <p>
            If an account uses <strong className="break-all">{sentTo}</strong>, we have sent it a link to choose a new
            password.
          </p>
          <p className="text-sm text-muted">The link works once, within an hour. Check your spam folder if it does not arrive.</p>
        </div>
      ) : (
        <form method="post" noValidate onSubmit={send} className="mt-6 space-y-4 rounded-lg bg-surface p-6 shadow">
          <p className="text-sm text-muted">Enter the email address of your account and we will send you a link.</p>
          {error ? (
            <p role="alert" className="rounded-md border border-danger bg-danger-soft px-3 py-2 text-sm text-danger">
              {error}
            </p>
          ) : null}
          <div>
            <label htmlFor="email" className="text-sm font-medium">
              Email
            </label>
            <input id="email" name="email" type="email" autoComplete="email" required className={`mt-1 ${inputClass}`} />
          </div>
          <button type="submit" disabled={!hydrated || busy} className={`w-full ${primaryButton}`}>
            Send reset link
          </button>
        </form>
      )}
      <p className="mt-4 text-center text-sm text-muted">
        <Link href="/login" className="font-medium text-accent underline">
          Back to sign in
        </Link>
      </p>
    </main>
  );
}
