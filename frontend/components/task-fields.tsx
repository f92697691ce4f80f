"use client";
// A task's details, the same in the quick add and in a task's editor: description, priority, due date,
// tags, reminder and repetition.
import type { Priority, Task } from "@/lib/api-client";
import { fromLocalInput, toLocalInput, type Frequency } from "@/lib/dates";

import { TagInput } from "./tag-input";
import { fieldError, inputClass, labelClass } from "./ui";

export type TaskDetails = Pick<Task, "description" | "priority" | "due_date" | "tags" | "remind_at" | "recurrence">;

/** The details typed into a form with these fields. */
export function readTaskDetails(form: FormData): TaskDetails {
  const frequency = String(form.get("frequency") ?? "");
  const interval = Math.min(365, Math.max(1, Math.round(Number(form.get("interval") ?? 1)) || 1));
  return {
    description: String(form.get("description") ?? "").trim() || null,
    priority: (String(form.get("priority") ?? "") || "medium") as Priority,
    due_date: String(form.get("due_date") ?? "") || null,
    tags: form.getAll("tags").map(String),
    remind_at: fromLocalInput(String(form.get("remind_at") ?? "")),
    recurrence: frequency ? { frequency: frequency as Frequency, interval } : null,
  };
}

/** What is wrong with the details, by field name (the API's rule: a repeating task needs a due date). */
export function checkTaskDetails(details: TaskDetails): { due_date?: string } {
  return details.recurrence && !details.due_date ? { due_date: "A repeating task needs a due date." } : {};
}

export function TaskFields({
  idPrefix,
  task,
  tagSuggestions,
  dueProblem,
}: {
  idPrefix: string;
  task?: Partial<TaskDetails>;
  tagSuggestions: readonly string[];
  dueProblem?: string | undefined;
}) {
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
        <select id={`${idPrefix}-priority`} name="priority" defaultValue={task?.priority ?? "medium"} className={`mt-1 ${inputClass}`}>
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
          aria-invalid={dueProblem ? true : undefined}
          aria-describedby={dueProblem ? `${idPrefix}-due-problem` : undefined}
          className={`mt-1 ${inputClass}`}
        />
        {dueProblem ? (
          <p id={`${idPrefix}-due-problem`} className={fieldError}>
            {dueProblem}
          </p>
        ) : null}
      </div>
      <div>
        <label htmlFor={`${idPrefix}-remind`} className={labelClass}>
          Reminder <span className="font-normal text-muted">(date and time)</span>
        </label>
        <input
          id={`${idPrefix}-remind`}
          name="remind_at"
          type="datetime-local"
          defaultValue={toLocalInput(task?.remind_at ?? null)}
          className={`mt-1 ${inputClass}`}
        />
      </div>
      <div className="flex gap-2">
        <div className="flex-1">
          <label htmlFor={`${idPrefix}-repeat`} className={labelClass}>
            Repeat
          </label>
          <select
            id={`${idPrefix}-repeat`}
            name="frequency"
            defaultValue={task?.recurrence?.frequency ?? ""}
            className={`mt-1 ${inputClass}`}
          >
            <option value="">Does not repeat</option>
            <option value="daily">Daily</option>
            <option value="weekly">Weekly</option>
            <option value="monthly">Monthly</option>
            <option value="yearly">Yearly</option>
          </select>
        </div>
        <div className="w-20">
          <label htmlFor={`${idPrefix}-interval`} className={labelClass}>
            Every
          </label>
          <input
            id={`${idPrefix}-interval`}
            name="interval"
            type="number"
            min={1}
            max={365}
            defaultValue={task?.recurrence?.interval ?? 1}
            className={`mt-1 ${inputClass}`}
          />
        </div>
      </div>
      <div className="sm:col-span-2">
        <TagInput idPrefix={idPrefix} initial={task?.tags ?? []} suggestions={tagSuggestions} />
      </div>
    </div>
  );
}
