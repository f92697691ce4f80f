"use client";
// A modal confirmation (native <dialog>: focus is trapped and Escape cancels).
import { useEffect, useId, useRef } from "react";
import { createPortal } from "react-dom";

import { dangerButton, secondaryButton } from "./ui";

export function ConfirmDeleteDialog({
  taskTitle,
  busy,
  onConfirm,
  onCancel,
}: {
  taskTitle: string;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();

  // Close the modal before handing focus back: elements behind an open modal cannot take focus.
  const cancel = () => {
    ref.current?.close();
    onCancel();
  };
  const confirm = () => {
    ref.current?.close();
    onConfirm();
  };

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  // Rendered at the end of <body>, outside the task's list item, so the item keeps one Delete button.
  return createPortal(
    <dialog
      ref={ref}
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-body`}
      onCancel={(event) => {
        event.preventDefault();
        cancel();
      }}
      className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-lg bg-white p-6 text-slate-900 shadow-xl"
    >
      <h2 id={`${id}-title`} className="text-lg font-semibold">
        Delete this task?
      </h2>
      <p id={`${id}-body`} className="mt-2 break-words text-sm text-slate-700">
        “{taskTitle}” will be removed for good.
      </p>
      <div className="mt-6 flex justify-end gap-3">
        <button type="button" autoFocus onClick={cancel} className={secondaryButton}>
          Cancel
        </button>
        <button type="button" onClick={confirm} disabled={busy} className={dangerButton}>
          Delete
        </button>
      </div>
    </dialog>,
    document.body,
  );
}
