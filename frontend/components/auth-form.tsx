"use client";
// Sign-up and sign-in form. It posts (never GETs) so an early submit cannot leak the password into a URL,
// and its button waits for hydration so an early submit cannot lose what was typed either. Mistakes are
// shown at their field (aria-invalid, aria-describedby) and focus goes to the first one.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useRef, useState, type FormEvent } from "react";

import { checkAuthForm, describeAuthError, fieldOfAuthError, type AuthField, type FieldErrors } from "@/lib/auth-errors";
import { authClient } from "@/lib/client/auth-client";
import { tokenCache } from "@/lib/client/backend";
import { useHydrated } from "@/lib/client/use-hydrated";

import { fieldError, inputClass, labelClass, primaryButton } from "./ui";

type Mode = "signin" | "signup";
const FIELD_ORDER: AuthField[] = ["name", "email", "password"];

export function AuthForm({ mode }: { mode: Mode }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  /** Where the confirmation link went, when sign-up needs the address confirmed first. */
  const [confirmationSentTo, setConfirmationSentTo] = useState<string | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const hydrated = useHydrated();
  const signup = mode === "signup";

  function showFieldErrors(errors: FieldErrors) {
    setFieldErrors(errors);
    const first = FIELD_ORDER.find((field) => errors[field]);
    if (first) formRef.current?.querySelector<HTMLElement>(`[name="${first}"]`)?.focus();
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const values = {
      name: String(form.get("name") ?? "").trim(),
      email: String(form.get("email") ?? "").trim(),
      password: String(form.get("password") ?? ""),
    };
    setError(null);
    const problems = checkAuthForm(values, mode);
    if (Object.keys(problems).length > 0) {
      showFieldErrors(problems);
      return;
    }
    setFieldErrors({});
    setBusy(true);
    tokenCache.clear();
    const result = signup
      ? await authClient.signUp.email({ name: values.name, email: values.email, password: values.password })
      : await authClient.signIn.email({ email: values.email, password: values.password });
    if (result.error) {
      const field = fieldOfAuthError(result.error);
      if (field) showFieldErrors({ [field]: describeAuthError(result.error) });
      else setError(describeAuthError(result.error));
      setBusy(false);
      return;
    }
    // With REQUIRE_EMAIL_VERIFICATION there is no session until the emailed link has been opened.
    if (signup && "token" in result.data && !result.data.token) {
      setConfirmationSentTo(values.email);
      setBusy(false);
      return;
    }
    router.replace("/tasks");
    router.refresh();
  }

  const fieldProps = (field: AuthField, hint?: string) => {
    const describedBy = [fieldErrors[field] ? `${field}-error` : null, hint ?? null].filter(Boolean).join(" ");
    return {
      id: field,
      name: field,
      "aria-invalid": fieldErrors[field] ? true : undefined,
      "aria-describedby": describedBy || undefined,
      onChange: () => fieldErrors[field] && setFieldErrors((all) => ({ ...all, [field]: undefined })),
      className: `mt-1 ${inputClass}`,
    };
  };
  const problem = (field: AuthField) =>
    fieldErrors[field] ? (
      <p id={`${field}-error`} className={fieldError}>
        {fieldErrors[field]}
      </p>
    ) : null;

  if (confirmationSentTo) {
    return (
      <main id="main" className="mx-auto flex min-h-screen max-w-md flex-col justify-center px-4 py-12">
        <h1 className="text-2xl font-semibold">Check your email</h1>
        <div role="status" className="mt-6 space-y-3 rounded-lg border border-line bg-surface p-6 text-sm shadow-sm">
          <p>
            We sent a link to <strong>{confirmationSentTo}</strong> to confirm your address. Open it within an
            hour to finish creating your account.
          </p>
          <p className="text-muted">No email after a few minutes? Look in your spam folder.</p>
        </div>
        <p className="mt-4 text-center text-sm text-muted">
          Already confirmed?{" "}
          <Link href="/login" className="font-medium text-accent underline">
            Sign in
          </Link>
        </p>
      </main>
    );
  }

  return (
    <main id="main" className="mx-auto flex min-h-screen max-w-md flex-col justify-center px-4 py-12">
      <h1 className="text-2xl font-semibold">{signup ? "Create your account" : "Sign in to your tasks"}</h1>
      <form
        ref={formRef}
        method="post"
        noValidate
        onSubmit={onSubmit}
        className="mt-6 space-y-4 rounded-lg border border-line bg-surface p-6 shadow-sm"
      >
        {error ? (
          <p role="alert" className="rounded-md border border-danger bg-danger-soft px-3 py-2 text-sm text-danger">
            {error}
          </p>
        ) : null}
        {signup ? (
          <div>
            <label htmlFor="name" className={labelClass}>
              Name
            </label>
            <input type="text" autoComplete="name" required {...fieldProps("name")} />
            {problem("name")}
          </div>
        ) : null}
        <div>
          <label htmlFor="email" className={labelClass}>
            Email
          </label>
          <input type="email" autoComplete="email" required {...fieldProps("email")} />
          {problem("email")}
        </div>
        <div>
          <label htmlFor="password" className={labelClass}>
            Password
          </label>
          <input
            type="password"
            autoComplete={signup ? "new-password" : "current-password"}
            required
            {...fieldProps("password", signup ? "password-hint" : undefined)}
          />
          {problem("password")}
          {signup ? (
            <p id="password-hint" className="mt-1 text-xs text-muted">
              8 to 128 characters.
            </p>
          ) : (
            <p className="mt-1 text-right text-sm">
              <Link href="/forgot-password" className="font-medium text-accent underline">
                Forgot password?
              </Link>
            </p>
          )}
        </div>
        <button type="submit" disabled={!hydrated || busy} className={`${primaryButton} w-full`}>
          {signup ? "Create account" : "Sign in"}
        </button>
      </form>
      <p className="mt-4 text-center text-sm text-muted">
        {signup ? "Already have an account? " : "New here? "}
        <Link href={signup ? "/login" : "/signup"} className="font-medium text-accent underline">
          {signup ? "Sign in" : "Create an account"}
        </Link>
      </p>
    </main>
  );
}
