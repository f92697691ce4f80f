"use client";
// Keyboard shortcuts for the tasks page, and the help dialog (?) that lists them.
import { useEffect, useId, useState } from "react";

import { useModal } from "@/lib/client/use-modal";

import { quietButton, secondaryButton } from "./ui";

export const SHORTCUTS = [
  { keys: ["n"], does: "Add a task (focus the quick add)" },
  { keys: ["/"], does: "Search" },
  { keys: ["j", "↓"], does: "Next task" },
  { keys: ["k", "↑"], does: "Previous task" },
  { keys: ["?"], does: "Show these shortcuts" },
  { keys: ["Esc"], does: "Close the editor (asks first if there are unsaved changes)" },
] as const;

const typing = (target: EventTarget | null) =>
  target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));

/** Moves focus to the checkbox of the next (+1) or previous (-1) task in the page. */
function moveBetweenTasks(step: 1 | -1) {
  const boxes = [...document.querySelectorAll<HTMLInputElement>("[data-task-row] input[type=checkbox]")].filter(
    (box) => box.offsetParent !== null,
  );
  if (boxes.length === 0) return;
  const at = boxes.indexOf(document.activeElement as HTMLInputElement);
  const next = at === -1 ? (step === 1 ? 0 : boxes.length - 1) : Math.min(boxes.length - 1, Math.max(0, at + step));
  boxes[next]!.focus();
  boxes[next]!.closest("li")?.scrollIntoView({ block: "nearest" });
}

export function Shortcuts() {
  const [help, setHelp] = useState(false);

  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      if (document.querySelector("dialog[open]")) return;
      const onCheckbox = event.target instanceof HTMLInputElement && event.target.type === "checkbox";
      if (typing(event.target) && !onCheckbox) return;
      const focus = (name: string) => document.querySelector<HTMLElement>(`[data-shortcut-target="${name}"]`)?.focus();
      switch (event.key) {
        case "n":
          focus("quick-add");
          break;
        case "/":
          focus("search");
          break;
        case "j":
        case "ArrowDown":
          moveBetweenTasks(1);
          break;
        case "k":
        case "ArrowUp":
          moveBetweenTasks(-1);
          break;
        case "?":
          setHelp(true);
          break;
        default:
          return;
      }
      event.preventDefault();
    }
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, []);

  return (
    <>
      <div className="flex justify-center pt-4">
        <button type="button" onClick={() => setHelp(true)} className={quietButton}>
          Keyboard shortcuts <kbd className="ml-1 rounded border border-line px-1 text-xs">?</kbd>
        </button>
      </div>
      {help ? <ShortcutsDialog onClose={() => setHelp(false)} /> : null}
    </>
  );
}

function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  const { ref, cancel, onDialogCancel } = useModal(onClose);
  const id = useId();
  return (
    <dialog
      ref={ref}
      aria-labelledby={`${id}-title`}
      onCancel={onDialogCancel}
      className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-lg bg-surface p-6 text-ink shadow-xl"
    >
      <h2 id={`${id}-title`} className="text-lg font-semibold">
        Keyboard shortcuts
      </h2>
      <dl className="mt-4 space-y-2 text-sm">
        {SHORTCUTS.map((shortcut) => (
          <div key={shortcut.does} className="flex items-center justify-between gap-4">
            <dt className="flex gap-1">
              {shortcut.keys.map((key) => (
                <kbd key={key} className="rounded border border-line bg-raised px-1.5 py-0.5 font-mono text-xs">
                  {key}
                </kbd>
              ))}
            </dt>
            <dd className="text-right text-muted">{shortcut.does}</dd>
          </div>
        ))}
      </dl>
      <div className="mt-6 flex justify-end">
        <button type="button" autoFocus onClick={cancel} className={secondaryButton}>
          Close
        </button>
      </div>
    </dialog>
  );
}
