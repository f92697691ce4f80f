"use client";
// A native modal <dialog>, open while its component is mounted: focus is trapped and Escape cancels.
import { useEffect, useRef, type SyntheticEvent } from "react";

export function useModal(onCancel: () => void) {
  const ref = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  // Close the modal before handing focus back: elements behind an open modal cannot take focus.
  const close = () => ref.current?.close();
  const cancel = () => {
    close();
    onCancel();
  };
  /** The dialog's own cancel event (Escape): cancelled the same way as the Cancel button. */
  const onDialogCancel = (event: SyntheticEvent) => {
    event.preventDefault();
    cancel();
  };
  return { ref, close, cancel, onDialogCancel };
}
