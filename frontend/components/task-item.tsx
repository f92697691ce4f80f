"use client";
// One task in the list: complete toggle, details, inline edit and delete with confirmation.
import { useId, useRef, useState, type FormEvent } from "react";

import type { Priority, Task } from "@/lib/api-client";
import { formatDueDate, isOverdue } from "@/lib/dates";
import { useDeleteTask, useToggleTask, useUpdateTask } from "@/lib/client/use-tasks";

import { ConfirmDeleteDialog } from "./confirm-delete-dialog";
import { useToast } from "./toasts";
import { inputClass, primaryButton, secondaryButton } from "./ui";

const PRIORITY_STYLE: Record<Priority, string> = {
  high: "bg-red-100 text-red-800 ring-red-200",
  medium: "bg-amber-100 text-amber-900 ring-amber-200",
  low: "bg-slate-100 text-slate-700 ring-slate-200",
};

export function TaskItem({ task, userId }: { task: Task; userId: string }) {
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const editButton = useRef<HTMLButtonElement>(null);
  const deleteButton = useRef<HTMLButtonElement>(null);
  const rowRef = useRef<HTMLLIElement>(null);
  const toggle = useToggleTask(userId);
  const remove = useDeleteTask(userId);
  const notify = useToast();
  const id = useId();
  // The box flips in the click itself (React renders a discrete event's state at once); the cached
  // list follows in onMutate, a few ticks later, and is what shows once the server has answered.
  const [clickedCompleted, setClickedCompleted] = useState<boolean | null>(null);
  const completed = clickedCompleted ?? task.completed;
  const overdue = isOverdue(task.due_date, completed);

  // mutateAsync, not mutate(…, callbacks): the row may unmount (deleted, filtered out) before the
  // server answers, and the message must still be shown.
  async function onToggle() {
    setClickedCompleted(!completed);
    try {
      await toggle.mutateAsync(task);
    } catch (error) {
      notify("error", `${error instanceof Error ? error.message : "Could not update the task."} “${task.title}” is back as it was.`);
    } finally {
      setClickedCompleted(null);
    }
  }

  async function onDelete() {
    // Where keyboard focus goes once this row is gone: the neighbouring task, else the new-task title.
    const row = rowRef.current;
    const neighbour = (row?.nextElementSibling ?? row?.previousElementSibling)?.querySelector<HTMLElement>(
      "input[type=checkbox]",
    );
    setConfirming(false);
    try {
      await remove.mutateAsync(task);
      notify("success", `Deleted “${task.title}”.`);
      const target = neighbour?.isConnected ? neighbour : document.querySelector<HTMLElement>("input[name=title]");
      target?.focus();
    } catch (error) {
      notify("error", error instanceof Error ? error.message : "Could not delete the task.");
      deleteButton.current?.focus();
    }
  }

  if (editing) {
    return (
      <li className="rounded-lg bg-white p-4 shadow-sm ring-1 ring-blue-200">
        <EditTaskForm
          task={task}
          userId={userId}
          onDone={() => {
            setEditing(false);
            requestAnimationFrame(() => editButton.current?.focus());
          }}
        />
      </li>
    );
  }

  return (
    <li ref={rowRef} className="flex items-start gap-3 rounded-lg bg-white p-4 shadow-sm">
      <input
        type="checkbox"
        checked={completed}
        onChange={onToggle}
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-meta`}
        className="mt-1 size-5 shrink-0 cursor-pointer accent-blue-700"
      />
      <div className="min-w-0 flex-1">
        <p
          id={`${id}-title`}
          className={`break-words font-medium ${completed ? "text-slate-500 line-through" : ""}`}
        >
          {task.title}
        </p>
        {task.description ? (
          <p className="mt-1 whitespace-pre-line break-words text-sm text-slate-600">{task.description}</p>
        ) : null}
        <p id={`${id}-meta`} className="mt-2 flex flex-wrap items-center gap-2 text-xs">
          <span className={`rounded-full px-2 py-0.5 font-medium ring-1 ${PRIORITY_STYLE[task.priority]}`}>
            {task.priority[0]!.toUpperCase() + task.priority.slice(1)} priority
          </span>
          {task.due_date ? (
            <span className={overdue ? "rounded-full bg-red-700 px-2 py-0.5 font-medium text-white" : "text-slate-600"}>
              {overdue ? "Overdue: " : "Due "}
              <time dateTime={task.due_date}>{formatDueDate(task.due_date)}</time>
            </span>
          ) : null}
          {completed ? <span className="text-green-800">Done</span> : null}
        </p>
      </div>
      <div className="flex shrink-0 flex-col gap-2 sm:flex-row">
        <button ref={editButton} type="button" onClick={() => setEditing(true)} className={secondaryButton}>
          Edit
        </button>
        <button
          ref={deleteButton}
          type="button"
          onClick={() => setConfirming(true)}
          className={`${secondaryButton} text-red-700`}
        >
          Delete
        </button>
      </div>
      {confirming ? (
        <ConfirmDeleteDialog
          taskTitle={task.title}
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
  const notify = useToast();
  const [problem, setProblem] = useState<string | null>(null);
  const id = useId();

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const title = String(form.get("title") ?? "").trim();
    if (!title) {
      setProblem("A task needs a title.");
      return;
    }
    try {
      await update.mutateAsync({
        id: task.id,
        changes: {
          title,
          description: String(form.get("description") ?? "").trim() || null,
          priority: String(form.get("priority")) as Priority,
          due_date: String(form.get("due_date") ?? "") || null,
        },
      });
      notify("success", `Saved “${title}”.`);
      onDone();
    } catch (error) {
      notify("error", error instanceof Error ? error.message : "Could not save the task.");
    }
  }

  return (
    <form
      method="post"
      noValidate
      onSubmit={onSubmit}
      onKeyDown={(event) => {
        if (event.key === "Escape") {
          event.preventDefault();
          onDone();
        }
      }}
      className="space-y-3"
      aria-label={`Edit “${task.title}”`}
    >
      <div>
        {/* Not labelled "Title": that name belongs to the new-task field. */}
        <label htmlFor={`${id}-title`} className="text-sm font-medium">
          Task name
        </label>
        <input
          id={`${id}-title`}
          name="title"
          type="text"
          defaultValue={task.title}
          maxLength={200}
          autoFocus
          aria-invalid={problem ? true : undefined}
          className={`mt-1 ${inputClass}`}
        />
        {problem ? (
          <p role="alert" className="mt-1 text-sm text-red-700">
            {problem}
          </p>
        ) : null}
      </div>
      <div>
        <label htmlFor={`${id}-description`} className="text-sm font-medium">
          Description
        </label>
        <textarea
          id={`${id}-description`}
          name="description"
          rows={2}
          maxLength={1000}
          defaultValue={task.description ?? ""}
          className={`mt-1 ${inputClass}`}
        />
      </div>
      <div className="flex flex-col gap-3 sm:flex-row sm:items-end">
        <div className="sm:w-40">
          <label htmlFor={`${id}-priority`} className="text-sm font-medium">
            Priority
          </label>
          <select id={`${id}-priority`} name="priority" defaultValue={task.priority} className={`mt-1 ${inputClass}`}>
            <option value="low">Low</option>
            <option value="medium">Medium</option>
            <option value="high">High</option>
          </select>
        </div>
        <div className="sm:w-48">
          <label htmlFor={`${id}-due`} className="text-sm font-medium">
            Due date
          </label>
          <input id={`${id}-due`} name="due_date" type="date" defaultValue={task.due_date ?? ""} className={`mt-1 ${inputClass}`} />
        </div>
        <div className="flex gap-2 sm:ml-auto">
          <button type="button" onClick={onDone} className={secondaryButton}>
            Cancel
          </button>
          <button type="submit" disabled={update.isPending} className={primaryButton}>
            Save
          </button>
        </div>
      </div>
    </form>
  );
}
