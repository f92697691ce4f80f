"use client";
// A modal confirmation (native <dialog>: focus is trapped and Escape cancels).
import { useId } from "react";
import { createPortal } from "react-dom";

import { useModal } from "@/lib/client/use-modal";

import { dangerButton, secondaryButton } from "./ui";

export function ConfirmDialog({
  title,
  body,
  confirmLabel,
  cancelLabel = "Cancel",
  busy = false,
  onConfirm,
  onCancel,
}: {
  title: string;
  body: string;
  confirmLabel: string;
  cancelLabel?: string;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { ref, close, cancel, onDialogCancel } = useModal(onCancel);
  const id = useId();
  const confirm = () => {
    close();
    onConfirm();
  };

  // Rendered at the end of <body>, outside the task's list item, so the item keeps one Delete button.
  return createPortal(
    <dialog
      ref={ref}
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-body`}
      onCancel={onDialogCancel}
      onKeyDown={(event) => event.stopPropagation()}
      className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-lg bg-surface p-6 text-ink shadow-xl"
    >
      <h2 id={`${id}-title`} className="text-lg font-semibold">
        {title}
      </h2>
      <p id={`${id}-body`} className="mt-2 break-words text-sm text-muted">
        {body}
      </p>
      <div className="mt-6 flex justify-end gap-3">
        <button type="button" autoFocus onClick={cancel} className={secondaryButton}>
          {cancelLabel}
        </button>
        <button type="button" onClick={confirm} disabled={busy} className={dangerButton}>
          {confirmLabel}
        </button>
      </div>
    </dialog>,
    document.body,
  );
}
