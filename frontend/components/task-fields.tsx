"use client";
// A task's details, the same in the quick add and in a task's editor: description, priority, due date.
import type { Priority, Task } from "@/lib/api-client";

import { inputClass, labelClass } from "./ui";

export type TaskDetails = Pick<Task, "description" | "priority" | "due_date">;

/** The details typed into a form with these fields. */
export function readTaskDetails(form: FormData): TaskDetails {
  return {
    description: String(form.get("description") ?? "").trim() || null,
    priority: (String(form.get("priority") ?? "") || "medium") as Priority,
    due_date: String(form.get("due_date") ?? "") || null,
  };
}

export function TaskFields({ idPrefix, task }: { idPrefix: string; task?: Partial<TaskDetails> }) {
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      <div className="sm:col-span-2">
        <label htmlFor={`${idPrefix}-description`} className={labelClass}>
          Description <span className="font-normal text-muted">(optional)</span>
        </label>
        <textarea
          id={`${idPrefix}-description`}
          name="description"
          rows={2}
          maxLength={1000}
          defaultValue={task?.description ?? ""}
          className={`mt-1 ${inputClass}`}
        />
      </div>
      <div>
        <label htmlFor={`${idPrefix}-priority`} className={labelClass}>
          Priority
        </label>
        <select
          id={`${idPrefix}-priority`}
          name="priority"
          defaultValue={task?.priority ?? "medium"}
          className={`mt-1 ${inputClass}`}
        >
          <option value="low">Low</option>
          <option value="medium">Medium</option>
          <option value="high">High</option>
        </select>
      </div>
      <div>
        <label htmlFor={`${idPrefix}-due`} className={labelClass}>
          Due date <span className="font-normal text-muted">(optional)</span>
        </label>
        <input
          id={`${idPrefix}-due`}
          name="due_date"
          type="date"
          defaultValue={task?.due_date ?? ""}
          className={`mt-1 ${inputClass}`}
        />
      </div>
    </div>
  );
}
