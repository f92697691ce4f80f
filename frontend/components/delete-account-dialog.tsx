"use client";
// Deleting the account: the password is asked again, and what goes is said plainly.
import { useId, useState, type FormEvent } from "react";
import { createPortal } from "react-dom";

import { authClient } from "@/lib/client/auth-client";
import { describeAuthError, type AuthError } from "@/lib/auth-errors";
import { tokenCache } from "@/lib/client/backend";
import { useModal } from "@/lib/client/use-modal";

import { dangerButton, inputClass, secondaryButton } from "./ui";

export function DeleteAccountDialog({ onCancel }: { onCancel: () => void }) {
  const { ref, cancel, onDialogCancel } = useModal(onCancel);
  const id = useId();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function confirm(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const password = String(new FormData(event.currentTarget).get("password") ?? "");
    if (!password) {
      setError("Enter your password to delete your account.");
      return;
    }
    setBusy(true);
    setError(null);
    const { error: failure } = await authClient.deleteUser({ password });
    if (failure) {
      setBusy(false);
      setError(failure.code === "INVALID_PASSWORD" ? "That password is not right." : describeAuthError(failure as AuthError));
      return;
    }
    tokenCache.clear();
    // A full page load drops every bit of in-memory state of the deleted account.
    // eslint-disable-next-line @next/next/no-location-assign-relative-destination
    window.location.assign("/signup");
  }

  return createPortal(
    <dialog
      ref={ref}
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-body`}
      onCancel={onDialogCancel}
      className="m-auto w-[min(30rem,calc(100vw-2rem))] rounded-lg bg-surface p-6 text-ink shadow-xl"
    >
      <form method="post" noValidate onSubmit={confirm}>
        <h2 id={`${id}-title`} className="text-lg font-semibold">
          Delete your account?
        </h2>
        <div id={`${id}-body`} className="mt-2 space-y-2 text-sm text-muted">
          <p>This deletes your account, all your tasks and tags, for good. It cannot be undone.</p>
          <p>Every browser and device signed in to it is signed out.</p>
        </div>
        {error ? (
          <p role="alert" className="mt-4 rounded-md border border-danger bg-danger-soft px-3 py-2 text-sm text-danger">
            {error}
          </p>
        ) : null}
        <label htmlFor={`${id}-password`} className="mt-4 block text-sm font-medium">
          Password
        </label>
        <input
          id={`${id}-password`}
          name="password"
          type="password"
          autoComplete="current-password"
          required
          autoFocus
          className={`mt-1 ${inputClass}`}
        />
        <div className="mt-6 flex justify-end gap-3">
          <button type="button" onClick={cancel} className={secondaryButton}>
            Cancel
          </button>
          <button type="submit" disabled={busy} className={dangerButton}>
            Delete account
          </button>
        </div>
      </form>
    </dialog>,
    document.body,
  );
}
