"use client";
import { useId, useState, type FormEvent } from "react";

import type { Priority } from "@/lib/api-client";
import { useHydrated } from "@/lib/client/use-hydrated";
import { useCreateTask } from "@/lib/client/use-tasks";

import { useToast } from "./toasts";
import { inputClass, primaryButton } from "./ui";

export function NewTaskForm({ userId }: { userId: string }) {
  const create = useCreateTask(userId);
  const notify = useToast();
  const [problem, setProblem] = useState<string | null>(null);
  const id = useId();
  const hydrated = useHydrated();

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formEl = event.currentTarget;
    const form = new FormData(formEl);
    const title = String(form.get("title") ?? "").trim();
    const description = String(form.get("description") ?? "").trim();
    const dueDate = String(form.get("due_date") ?? "");
    if (!title) {
      setProblem("Give the task a title.");
      formEl.querySelector<HTMLInputElement>("input[name=title]")?.focus();
      return;
    }
    setProblem(null);
    try {
      await create.mutateAsync({
        title,
        description: description || null,
        priority: String(form.get("priority") ?? "medium") as Priority,
        due_date: dueDate || null,
      });
      formEl.reset();
      formEl.querySelector<HTMLInputElement>("input[name=title]")?.focus();
      notify("success", `Added “${title}”.`);
    } catch (error) {
      notify("error", error instanceof Error ? error.message : "Could not add the task.");
    }
  }

  return (
    <form method="post" noValidate onSubmit={onSubmit} className="space-y-3 rounded-lg bg-white p-4 shadow-sm" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className="text-base font-semibold">
        New task
      </h2>
      <div>
        <label htmlFor={`${id}-title`} className="text-sm font-medium">
          Title
        </label>
        <input
          id={`${id}-title`}
          name="title"
          type="text"
          maxLength={200}
          required
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? `${id}-problem` : undefined}
          className={`mt-1 ${inputClass}`}
        />
        {problem ? (
          <p id={`${id}-problem`} role="alert" className="mt-1 text-sm text-red-700">
            {problem}
          </p>
        ) : null}
      </div>
      <div>
        <label htmlFor={`${id}-description`} className="text-sm font-medium">
          Description <span className="font-normal text-slate-500">(optional)</span>
        </label>
        <textarea id={`${id}-description`} name="description" rows={2} maxLength={1000} className={`mt-1 ${inputClass}`} />
      </div>
      <div className="flex flex-col gap-3 sm:flex-row sm:items-end">
        <div className="sm:w-40">
          <label htmlFor={`${id}-priority`} className="text-sm font-medium">
            Priority
          </label>
          <select id={`${id}-priority`} name="priority" defaultValue="medium" className={`mt-1 ${inputClass}`}>
            <option value="low">Low</option>
            <option value="medium">Medium</option>
            <option value="high">High</option>
          </select>
        </div>
        <div className="sm:w-48">
          <label htmlFor={`${id}-due`} className="text-sm font-medium">
            Due date <span className="font-normal text-slate-500">(optional)</span>
          </label>
          <input id={`${id}-due`} name="due_date" type="date" className={`mt-1 ${inputClass}`} />
        </div>
        <button type="submit" disabled={!hydrated || create.isPending} className={`${primaryButton} sm:ml-auto`}>
          Add task
        </button>
      </div>
    </form>
  );
}
