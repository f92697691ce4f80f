"use client";
// One task editor open at a time; leaving one with unsaved changes asks first.
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from "react";

import { ConfirmDialog } from "./confirm-dialog";

type Editor = {
  editingId: number | null;
  /** Opens the editor of a task (asking first if another one has unsaved changes). */
  open: (id: number) => void;
  /** Closes the open editor, asking first when it has unsaved changes (unless `force`). */
  close: (options?: { force?: boolean }) => void;
  setDirty: (dirty: boolean) => void;
};

const EditorContext = createContext<Editor | null>(null);

export function useEditor(): Editor {
  const editor = useContext(EditorContext);
  if (!editor) throw new Error("useEditor() needs an <EditorProvider> above it.");
  return editor;
}

export function EditorProvider({ children }: { children: ReactNode }) {
  const [editingId, setEditingId] = useState<number | null>(null);
  const [pending, setPending] = useState<{ next: number | null } | null>(null);
  const dirty = useRef(false);
  const returnFocus = useRef<HTMLElement | null>(null);

  const switchTo = useCallback((next: number | null) => {
    dirty.current = false;
    setEditingId(next);
  }, []);

  const open = useCallback(
    (id: number) => {
      if (editingId !== null && editingId !== id && dirty.current) setPending({ next: id });
      else switchTo(id);
    },
    [editingId, switchTo],
  );

  const close = useCallback(
    ({ force = false } = {}) => {
      if (!force && dirty.current) {
        returnFocus.current = document.activeElement as HTMLElement | null;
        setPending({ next: null });
      } else switchTo(null);
    },
    [switchTo],
  );

  const setDirty = useCallback((value: boolean) => {
    dirty.current = value;
  }, []);

  const value = useMemo(() => ({ editingId, open, close, setDirty }), [editingId, open, close, setDirty]);
  return (
    <EditorContext value={value}>
      {children}
      {pending ? (
        <ConfirmDialog
          title="Discard your changes?"
          body="The changes you made to this task have not been saved."
          confirmLabel="Discard changes"
          cancelLabel="Keep editing"
          onConfirm={() => {
            setPending(null);
            switchTo(pending.next);
          }}
          onCancel={() => {
            setPending(null);
            requestAnimationFrame(() => returnFocus.current?.focus());
          }}
        />
      ) : null}
    </EditorContext>
  );
}
