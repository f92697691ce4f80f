"use client";
// Sign-up and sign-in form. It posts (never GETs) so an early submit cannot leak the password into a URL,
// and its button waits for hydration so an early submit cannot lose what was typed either.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";

import { authClient } from "@/lib/client/auth-client";
import { describeAuthError } from "@/lib/auth-errors";
import { tokenCache } from "@/lib/client/backend";
import { useHydrated } from "@/lib/client/use-hydrated";

type Mode = "signin" | "signup";

const field =
  "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-base shadow-sm focus:border-blue-600";

export function AuthForm({ mode }: { mode: Mode }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const hydrated = useHydrated();
  const signup = mode === "signup";

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const name = String(form.get("name") ?? "").trim();
    const email = String(form.get("email") ?? "").trim();
    const password = String(form.get("password") ?? "");
    if ((signup && !name) || !email || !password) {
      setError(signup ? "Enter your name, email and a password." : "Enter your email and password.");
      return;
    }
    setBusy(true);
    setError(null);
    tokenCache.clear();
    const result = signup
      ? await authClient.signUp.email({ name, email, password })
      : await authClient.signIn.email({ email, password });
    if (result.error) {
      setError(describeAuthError(result.error));
      setBusy(false);
      return;
    }
    router.replace("/tasks");
    router.refresh();
  }

  return (
    <main className="mx-auto flex min-h-screen max-w-md flex-col justify-center px-4 py-12">
      <h1 className="text-2xl font-semibold">{signup ? "Create your account" : "Sign in to your tasks"}</h1>
      <form method="post" noValidate onSubmit={onSubmit} className="mt-6 space-y-4 rounded-lg bg-white p-6 shadow">
        {error ? (
          <p role="alert" className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800">
            {error}
          </p>
        ) : null}
        {signup ? (
          <div>
            <label htmlFor="name" className="text-sm font-medium">
              Name
            </label>
            <input id="name" name="name" type="text" autoComplete="name" required className={field} />
          </div>
        ) : null}
        <div>
          <label htmlFor="email" className="text-sm font-medium">
            Email
          </label>
          <input id="email" name="email" type="email" autoComplete="email" required className={field} />
        </div>
        <div>
          <label htmlFor="password" className="text-sm font-medium">
            Password
          </label>
          <input
            id="password"
            name="password"
            type="password"
            autoComplete={signup ? "new-password" : "current-password"}
            aria-describedby={signup ? "password-hint" : undefined}
            required
            className={field}
          />
          {signup ? (
            <p id="password-hint" className="mt-1 text-xs text-slate-600">
              8 to 128 characters.
            </p>
          ) : (
            <p className="mt-1 text-right text-sm">
              <Link href="/forgot-password" className="font-medium text-blue-700 underline">
                Forgot password?
              </Link>
            </p>
          )}
        </div>
        <button
          type="submit"
          disabled={!hydrated || busy}
          className="w-full rounded-md bg-blue-700 px-4 py-2 font-medium text-white hover:bg-blue-800 disabled:opacity-60"
        >
          {signup ? "Create account" : "Sign in"}
        </button>
      </form>
      <p className="mt-4 text-center text-sm text-slate-700">
        {signup ? "Already have an account? " : "New here? "}
        <Link href={signup ? "/login" : "/signup"} className="font-medium text-blue-700 underline">
          {signup ? "Sign in" : "Create an account"}
        </Link>
      </p>
    </main>
  );
}
