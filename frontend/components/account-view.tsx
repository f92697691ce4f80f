"use client";
// The account page: name, email, password, the sessions signed in to this account, and deletion.
// Everything goes through Better Auth's own client; ending a session also ends its backend tokens
// (the revocation feed, lib/server/revocation-feed.ts).
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";

import { authClient } from "@/lib/client/auth-client";
import { describeAuthError, type AuthError } from "@/lib/auth-errors";
import { tokenCache } from "@/lib/client/backend";
import { useHydrated } from "@/lib/client/use-hydrated";
import { describeUserAgent } from "@/lib/client/user-agent";

import { DeleteAccountDialog } from "./delete-account-dialog";
import { ToastRegion, useToast } from "./toasts";
import { inputClass, primaryButton, secondaryButton, dangerButton } from "./ui";

type Props = { name: string; email: string; currentSessionId: string };

const section = "rounded-lg bg-surface p-6 shadow";
// Sessions are fetched in the browser only, so its locale and time zone never meet the server's.
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const formatDateTime = (value: Date | string) => dateTime.format(new Date(value));
const heading = "text-lg font-semibold";

function ErrorMessage({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <p role="alert" className="rounded-md border border-danger bg-danger-soft px-3 py-2 text-sm text-danger">
      {error}
    </p>
  );
}

export function AccountView({ name, email, currentSessionId }: Props) {
  const router = useRouter();
  const hydrated = useHydrated();
  return (
    <main id="main" className="mx-auto max-w-3xl space-y-6 px-4 py-8">
      <div className="flex items-baseline justify-between gap-4">
        <h1 className="text-2xl font-semibold">Your account</h1>
        <Link href="/tasks" className="text-sm font-medium text-accent underline">
          Back to your tasks
        </Link>
      </div>
      <ToastRegion />
      <ProfileSection name={name} email={email} hydrated={hydrated} onSaved={() => router.refresh()} />
      <PasswordSection hydrated={hydrated} />
      <SessionsSection currentSessionId={currentSessionId} hydrated={hydrated} />
      <DeleteSection hydrated={hydrated} />
    </main>
  );
}

function ProfileSection({
  name,
  email,
  hydrated,
  onSaved,
}: {
  name: string;
  email: string;
  hydrated: boolean;
  onSaved: () => void;
}) {
  const notify = useToast();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const value = String(new FormData(event.currentTarget).get("name") ?? "").trim();
    if (!value) {
      setError("Enter your name.");
      return;
    }
    setBusy(true);
    setError(null);
    const { error: failure } = await authClient.updateUser({ name: value });
    setBusy(false);
    if (failure) {
      setError(describeAuthError(failure as AuthError));
      return;
    }
    tokenCache.clear(); // the next token carries the new name
    notify("success", "Name saved.");
    onSaved();
  }

  return (
    <section aria-labelledby="profile-heading" className={section}>
      <h2 id="profile-heading" className={heading}>
        Profile
      </h2>
      <form method="post" noValidate onSubmit={save} className="mt-4 space-y-4">
        <ErrorMessage error={error} />
        <div>
          <label htmlFor="account-name" className="text-sm font-medium">
            Name
          </label>
          <input
            id="account-name"
            name="name"
            type="text"
            autoComplete="name"
            defaultValue={name}
            maxLength={200}
            required
            className={`mt-1 ${inputClass}`}
          />
        </div>
        <div>
          <p className="text-sm font-medium">Email</p>
          <p className="mt-1 break-all text-sm text-muted">{email}</p>
        </div>
        <button type="submit" disabled={!hydrated || busy} className={primaryButton}>
          Save name
        </button>
      </form>
    </section>
  );
}

function PasswordSection({ hydrated }: { hydrated: boolean }) {
  const notify = useToast();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function change(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const currentPassword = String(data.get("currentPassword") ?? "");
    const newPassword = String(data.get("newPassword") ?? "");
    if (!currentPassword || !newPassword) {
      setError("Enter your current password and a new one.");
      return;
    }
    setBusy(true);
    setError(null);
    // Ends every other session; Better Auth gives this browser a new session of its own.
    const { error: failure } = await authClient.changePassword({ currentPassword, newPassword, revokeOtherSessions: true });
    setBusy(false);
    if (failure) {
      setError(
        failure.code === "INVALID_PASSWORD" ? "Your current password is not right." : describeAuthError(failure as AuthError),
      );
      return;
    }
    form.reset();
    tokenCache.clear();
    await queryClient.invalidateQueries({ queryKey: ["sessions"] });
    notify("success", "Password changed. Your other sessions are signed out.");
  }

  return (
    <section aria-labelledby="password-heading" className={section}>
      <h2 id="password-heading" className={heading}>
        Change password
      </h2>
      <form method="post" noValidate onSubmit={change} className="mt-4 space-y-4">
        <ErrorMessage error={error} />
        <div>
          <label htmlFor="current-password" className="text-sm font-medium">
            Current password
          </label>
          <input
            id="current-password"
            name="currentPassword"
            type="password"
            autoComplete="current-password"
            required
            className={`mt-1 ${inputClass}`}
          />
        </div>
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
            8 to 128 characters. Every other device signed in to your account will be signed out.
          </p>
        </div>
        <button type="submit" disabled={!hydrated || busy} className={primaryButton}>
          Change password
        </button>
      </form>
    </section>
  );
}

type SessionRow = { id: string; token: string; userAgent?: string | null; createdAt: Date | string; updatedAt: Date | string };

function SessionsSection({ currentSessionId, hydrated }: { currentSessionId: string; hydrated: boolean }) {
  const notify = useToast();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState<string | null>(null);
  const sessions = useQuery({
    queryKey: ["sessions"],
    queryFn: async (): Promise<SessionRow[]> => {
      const { data, error } = await authClient.listSessions();
      if (error) throw new Error(describeAuthError(error as AuthError));
      return [...(data ?? [])].sort((a, b) => (a.id === currentSessionId ? -1 : b.id === currentSessionId ? 1 : 0));
    },
  });

  async function leave() {
    tokenCache.clear();
    queryClient.clear();
    // A full page load drops every bit of in-memory state of the signed-out user.
    // eslint-disable-next-line @next/next/no-location-assign-relative-destination
    window.location.assign("/login");
  }

  async function revoke(session: SessionRow) {
    setBusy(session.id);
    const { error } = await authClient.revokeSession({ token: session.token });
    setBusy(null);
    if (error) {
      notify("error", `Could not sign that session out: ${describeAuthError(error as AuthError)}`);
      return;
    }
    if (session.id === currentSessionId) return leave();
    notify("success", "Session signed out.");
    await queryClient.invalidateQueries({ queryKey: ["sessions"] });
  }

  async function revokeOthers() {
    setBusy("others");
    const { error } = await authClient.revokeOtherSessions();
    setBusy(null);
    if (error) {
      notify("error", `Could not sign the other sessions out: ${describeAuthError(error as AuthError)}`);
      return;
    }
    notify("success", "Signed out everywhere else.");
    await queryClient.invalidateQueries({ queryKey: ["sessions"] });
  }

  const others = (sessions.data ?? []).filter((s) => s.id !== currentSessionId).length;
  return (
    <section aria-labelledby="sessions-heading" className={section}>
      <h2 id="sessions-heading" className={heading}>
        Active sessions
      </h2>
      <p className="mt-1 text-sm text-muted">Each browser or device signed in to your account.</p>
      {sessions.isPending ? <p className="mt-4 text-sm text-muted">Loading sessions…</p> : null}
      {sessions.isError ? (
        <p role="alert" className="mt-4 text-sm text-danger">
          Could not load your sessions. Reload the page to try again.
        </p>
      ) : null}
      {sessions.data ? (
        <ul aria-label="Active sessions" className="mt-4 divide-y divide-line">
          {sessions.data.map((session) => {
            const current = session.id === currentSessionId;
            return (
              <li key={session.id} className="flex flex-wrap items-center justify-between gap-3 py-3">
                <div className="min-w-0">
                  <p className="font-medium">
                    {describeUserAgent(session.userAgent)}
                    {current ? (
                      <span className="ml-2 rounded bg-raised px-2 py-0.5 text-xs font-medium text-ink">This browser</span>
                    ) : null}
                  </p>
                  <p className="text-sm text-muted">
                    Signed in {formatDateTime(session.createdAt)} · last active {formatDateTime(session.updatedAt)}
                  </p>
                </div>
                <button
                  type="button"
                  onClick={() => void revoke(session)}
                  disabled={!hydrated || busy !== null}
                  aria-label={current ? "Revoke this browser's session (signs you out)" : `Revoke ${describeUserAgent(session.userAgent)} session`}
                  className={secondaryButton}
                >
                  Revoke
                </button>
              </li>
            );
          })}
        </ul>
      ) : null}
      <button
        type="button"
        onClick={() => void revokeOthers()}
        disabled={!hydrated || busy !== null || others === 0}
        className={`mt-4 ${secondaryButton}`}
      >
        Sign out everywhere else
      </button>
    </section>
  );
}

function DeleteSection({ hydrated }: { hydrated: boolean }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  return (
    <section aria-labelledby={`${id}-heading`} className={section}>
      <h2 id={`${id}-heading`} className={heading}>
        Delete account
      </h2>
      <p className="mt-1 text-sm text-muted">
        Deletes your account and every task and tag in it, and signs out every device. This cannot be undone.
      </p>
      <button type="button" onClick={() => setOpen(true)} disabled={!hydrated} className={`mt-4 ${dangerButton}`}>
        Delete account
      </button>
      {open ? <DeleteAccountDialog onCancel={() => setOpen(false)} /> : null}
    </section>
  );
}
