"use client";
// One line to add a task (title, Enter); its details open on demand.
import { useId, useRef, useState, type FormEvent } from "react";

import { useHydrated } from "@/lib/client/use-hydrated";
import { askNotificationPermission } from "@/lib/client/use-reminders";
import { useCreateTask, useTags } from "@/lib/client/use-tasks";

import { checkTaskDetails, readTaskDetails, TaskFields } from "./task-fields";
import { useClearToast, useToast } from "./toasts";
import { fieldError, inputClass, primaryButton, quietButton } from "./ui";

export function QuickAdd({ userId, defaultDue }: { userId: string; defaultDue: string | null }) {
  const create = useCreateTask(userId);
  const notify = useToast();
  const clearToast = useClearToast();
  const [problem, setProblem] = useState<string | null>(null);
  const [details, setDetails] = useState(false);
  const [dueProblem, setDueProblem] = useState<string | undefined>();
  const tags = useTags(userId);
  const titleRef = useRef<HTMLInputElement>(null);
  const [formKey, setFormKey] = useState(0);
  const id = useId();
  const hydrated = useHydrated();

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formEl = event.currentTarget;
    const form = new FormData(formEl);
    const title = String(form.get("title") ?? "").trim();
    if (!title) {
      setProblem("Give the task a title.");
      titleRef.current?.focus();
      return;
    }
    setProblem(null);
    const taskDetails = readTaskDetails(form);
    const detailProblems = checkTaskDetails(taskDetails);
    setDueProblem(detailProblems.due_date);
    if (detailProblems.due_date) {
      setDetails(true);
      formEl.querySelector<HTMLElement>("input[name=due_date]")?.focus();
      return;
    }
    if (taskDetails.remind_at) askNotificationPermission(notify); // in the submit: a user gesture
    try {
      await create.mutateAsync({ title, ...taskDetails });
      // The details were sent with this task, so they never carry over to the next one. A next title
      // typed while this one was being saved stays where it was typed.
      const typedSince = titleRef.current?.value ?? "";
      formEl.reset();
      setFormKey((k) => k + 1); // the tag chips are state: start them afresh too
      setDetails(false);
      if (titleRef.current && typedSince.trim() !== title) titleRef.current.value = typedSince;
      titleRef.current?.focus();
      clearToast("add");
      notify("success", `Added “${title}”.`);
    } catch (error) {
      // The title stays in the field, so nothing typed is lost.
      notify("error", `“${title}” was not added. ${error instanceof Error ? error.message : "Try again."}`, "add");
    }
  }

  return (
    <form
      method="post"
      noValidate
      onSubmit={onSubmit}
      aria-label="Add a task"
      className="rounded-lg border border-line bg-surface p-2 shadow-sm"
    >
      <div className="flex items-center gap-2">
        <label htmlFor={`${id}-title`} className="sr-only">
          Title
        </label>
        <input
          ref={titleRef}
          id={`${id}-title`}
          name="title"
          type="text"
          maxLength={200}
          required
          autoComplete="off"
          placeholder="Add a task…"
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? `${id}-problem` : undefined}
          onChange={() => problem && setProblem(null)}
          data-shortcut-target="quick-add"
          className={`${inputClass} border-transparent shadow-none`}
        />
        <button
          type="button"
          aria-expanded={details}
          aria-controls={`${id}-details`}
          onClick={() => setDetails((open) => !open)}
          className={quietButton}
        >
          Details
        </button>
        <button type="submit" disabled={!hydrated || create.isPending} className={`${primaryButton} shrink-0`}>
          Add task
        </button>
      </div>
      {problem ? (
        <p id={`${id}-problem`} className={`${fieldError} px-3`}>
          {problem}
        </p>
      ) : null}
      <div id={`${id}-details`} hidden={!details} className="border-t border-line p-2 pt-3">
        <TaskFields
          idPrefix={id}
          task={{ due_date: defaultDue }}
          key={`${defaultDue ?? ""}-${formKey}`}
          tagSuggestions={tags.data?.map((t) => t.name) ?? []}
          dueProblem={dueProblem}
        />
      </div>
    </form>
  );
}
