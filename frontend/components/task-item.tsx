"use client";
// One task in the list: the checkbox first; when it is due in words; quiet Edit and Delete.
import { useId, useRef, useState, type FormEvent } from "react";

import type { Task } from "@/lib/api-client";
import { useHydrated } from "@/lib/client/use-hydrated";
import { askNotificationPermission } from "@/lib/client/use-reminders";
import { useDeleteTask, useTags, useToggleTask, useUpdateTask } from "@/lib/client/use-tasks";
import { describeDue, describeRecurrence, formatDueDate, nextOccurrence } from "@/lib/dates";

import { ConfirmDialog } from "./confirm-dialog";
import { useEditor } from "./editor-context";
import { PencilIcon, TrashIcon } from "./icons";
import { checkTaskDetails, readTaskDetails, TaskFields } from "./task-fields";
import { useClearToast, useToast } from "./toasts";
import { fieldError, inputClass, labelClass, primaryButton, quietButton, secondaryButton } from "./ui";

export function TaskItem({ task, userId, today }: { task: Task; userId: string; today: string }) {
  const editor = useEditor();
  const editing = editor.editingId === task.id;
  const [confirming, setConfirming] = useState(false);
  const editButton = useRef<HTMLButtonElement>(null);
  const deleteButton = useRef<HTMLButtonElement>(null);
  const rowRef = useRef<HTMLLIElement>(null);
  const toggle = useToggleTask(userId);
  const remove = useDeleteTask(userId);
  const notify = useToast();
  const clearToast = useClearToast();
  const hydrated = useHydrated(); // a click before React owns the page would be lost
  const id = useId();
  // The box flips in the click itself (React renders a discrete event's state at once); the cached
  // list follows in onMutate, a few ticks later, and is what shows once the server has answered.
  const [clickedCompleted, setClickedCompleted] = useState<boolean | null>(null);
  const completed = clickedCompleted ?? task.completed;
  const due = task.due_date ? describeDue(task.due_date, today, completed) : null;
  const overdue = !completed && task.due_date !== null && task.due_date < today;
  const dueToday = !completed && task.due_date === today;

  // mutateAsync, not mutate(…, callbacks): the row may unmount (deleted, filtered out) before the
  // server answers, and the message must still be shown.
  async function onToggle() {
    setClickedCompleted(!completed);
    try {
      await toggle.mutateAsync(task);
      clearToast(`task-${task.id}`);
      if (!completed && task.recurrence && task.due_date) {
        const next = nextOccurrence(task.due_date, task.recurrence.frequency, task.recurrence.interval ?? 1);
        notify("success", `Done. “${task.title}” repeats: the next one is due ${formatDueDate(next)}.`);
      }
    } catch (error) {
      notify(
        "error",
        `${error instanceof Error ? error.message : "Could not update the task."} “${task.title}” is back as it was.`,
        `task-${task.id}`,
      );
    } finally {
      setClickedCompleted(null);
    }
  }

  async function onDelete() {
    // Where keyboard focus goes once this row is gone: the neighbouring task, else the quick add.
    const row = rowRef.current;
    const neighbour = (row?.nextElementSibling ?? row?.previousElementSibling)?.querySelector<HTMLElement>(
      "input[type=checkbox]",
    );
    setConfirming(false);
    try {
      await remove.mutateAsync(task);
      clearToast(`task-${task.id}`);
      notify("success", `Deleted “${task.title}”.`);
      const target = neighbour?.isConnected ? neighbour : document.querySelector<HTMLElement>("input[name=title]");
      target?.focus();
    } catch (error) {
      notify("error", error instanceof Error ? error.message : "Could not delete the task.", `task-${task.id}`);
      deleteButton.current?.focus();
    }
  }

  if (editing) {
    return (
      <li className="border-b border-line bg-surface p-3 last:border-b-0">
        <EditTaskForm
          task={task}
          userId={userId}
          onDone={() => {
            editor.close({ force: true });
            requestAnimationFrame(() => editButton.current?.focus());
          }}
        />
      </li>
    );
  }

  return (
    <li ref={rowRef} data-task-row className="flex items-start gap-3 border-b border-line px-3 py-2.5 last:border-b-0">
      <input
        type="checkbox"
        checked={completed}
        onChange={onToggle}
        disabled={!hydrated}
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-meta`}
        className="mt-0.5 size-6 shrink-0 cursor-pointer accent-accent"
      />
      <div className="min-w-0 flex-1">
        <p id={`${id}-title`} className={`break-words ${completed ? "text-muted line-through" : ""}`}>
          {task.title}
        </p>
        <p id={`${id}-meta`} className="flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-muted empty:hidden">
          {due ? (
            <span className={overdue ? "font-semibold text-danger" : dueToday ? "font-semibold text-warn" : undefined}>
              <time dateTime={task.due_date!}>{due}</time>
            </span>
          ) : null}
          {task.priority !== "medium" ? (
            <span className={task.priority === "high" && !completed ? "font-semibold text-ink" : undefined}>
              {task.priority === "high" ? "High priority" : "Low priority"}
            </span>
          ) : null}
          {task.recurrence ? <span>{describeRecurrence(task.recurrence.frequency, task.recurrence.interval ?? 1)}</span> : null}
          {task.remind_at && !completed ? (
            <span>
              Reminder{" "}
              <time dateTime={task.remind_at}>
                {new Date(task.remind_at).toLocaleString("en-GB", { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" })}
              </time>
            </span>
          ) : null}
          {task.tags.map((tag) => (
            <span key={tag} className="rounded-full bg-raised px-2 py-0.5 text-ink">
              #{tag}
            </span>
          ))}
          {completed ? <span className="text-ok">Done</span> : null}
        </p>
        {task.description ? <p className="mt-0.5 line-clamp-2 whitespace-pre-line break-words text-sm text-muted">{task.description}</p> : null}
      </div>
      <div className="flex shrink-0 items-center">
        <button ref={editButton} type="button" onClick={() => editor.open(task.id)} disabled={!hydrated} className={quietButton}>
          <PencilIcon />
          <span className="sr-only sm:not-sr-only">Edit</span>
        </button>
        <button
          ref={deleteButton}
          type="button"
          onClick={() => setConfirming(true)}
          disabled={!hydrated}
          className={`${quietButton} hover:text-danger`}
        >
          <TrashIcon />
          <span className="sr-only sm:not-sr-only">Delete</span>
        </button>
      </div>
      {confirming ? (
        <ConfirmDialog
          title="Delete this task?"
          body={`“${task.title}” will be removed for good.`}
          confirmLabel="Delete"
          busy={remove.isPending}
          onConfirm={onDelete}
          onCancel={() => {
            setConfirming(false);
            deleteButton.current?.focus();
          }}
        />
      ) : null}
    </li>
  );
}

function EditTaskForm({ task, userId, onDone }: { task: Task; userId: string; onDone: () => void }) {
  const update = useUpdateTask(userId);
  const editor = useEditor();
  const notify = useToast();
  const clearToast = useClearToast();
  const [problem, setProblem] = useState<string | null>(null);
  const [dueProblem, setDueProblem] = useState<string | undefined>();
  const titleRef = useRef<HTMLInputElement>(null);
  const tags = useTags(userId);
  const id = useId();

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const title = String(form.get("title") ?? "").trim();
    if (!title) {
      setProblem("A task needs a title.");
      titleRef.current?.focus();
      return;
    }
    const details = readTaskDetails(form);
    const problems = checkTaskDetails(details);
    setDueProblem(problems.due_date);
    if (problems.due_date) {
      event.currentTarget.querySelector<HTMLElement>("input[name=due_date]")?.focus();
      return;
    }
    if (details.remind_at && details.remind_at !== task.remind_at) askNotificationPermission(notify);
    try {
      await update.mutateAsync({ id: task.id, changes: { title, ...details } });
      clearToast(`task-${task.id}`);
      notify("success", `Saved “${title}”.`);
      onDone();
    } catch (error) {
      notify("error", error instanceof Error ? error.message : "Could not save the task.", `task-${task.id}`);
    }
  }

  return (
    <form
      method="post"
      noValidate
      onSubmit={onSubmit}
      onChange={() => editor.setDirty(true)}
      onKeyDown={(event) => {
        if (event.key === "Escape") {
          event.preventDefault();
          event.stopPropagation();
          editor.close();
        }
      }}
      className="space-y-3"
      aria-label={`Edit “${task.title}”`}
    >
      <div>
        {/* Not labelled "Title": that name belongs to the quick add's field. */}
        <label htmlFor={`${id}-title`} className={labelClass}>
          Task name
        </label>
        <input
          ref={titleRef}
          id={`${id}-title`}
          name="title"
          type="text"
          defaultValue={task.title}
          maxLength={200}
          autoFocus
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? `${id}-problem` : undefined}
          className={`mt-1 ${inputClass}`}
        />
        {problem ? (
          <p id={`${id}-problem`} className={fieldError}>
            {problem}
          </p>
        ) : null}
      </div>
      <TaskFields idPrefix={id} task={task} tagSuggestions={tags.data?.map((t) => t.name) ?? []} dueProblem={dueProblem} />
      <div className="flex justify-end gap-2">
        <button type="button" onClick={() => editor.close()} className={secondaryButton}>
          Cancel
        </button>
        <button type="submit" disabled={update.isPending} className={primaryButton}>
          Save
        </button>
      </div>
    </form>
  );
}
