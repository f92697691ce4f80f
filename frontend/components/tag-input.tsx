"use client";
// Tags as chips: type one and press Enter (or a comma); suggestions come from the user's own tags.
import { useId, useState, type KeyboardEvent } from "react";

import { inputClass, labelClass } from "./ui";

export const MAX_TAGS = 10;

/** Trimmed, inner whitespace collapsed, at most 32 characters (DESIGN section 10). */
export function normaliseTag(text: string): string {
  return text.replace(/\s+/g, " ").trim().slice(0, 32);
}

/** Adds a tag unless it is empty, already there (in any case) or one too many. */
export function addTag(tags: readonly string[], text: string): string[] {
  const tag = normaliseTag(text);
  if (!tag || tags.length >= MAX_TAGS || tags.some((t) => t.toLowerCase() === tag.toLowerCase())) return [...tags];
  return [...tags, tag];
}

export function TagInput({
  idPrefix,
  initial,
  suggestions,
}: {
  idPrefix: string;
  initial: readonly string[];
  suggestions: readonly string[];
}) {
  const [tags, setTags] = useState<string[]>([...initial]);
  const [text, setText] = useState("");
  const listId = useId();

  function commit() {
    if (!text.trim()) return;
    setTags((current) => addTag(current, text));
    setText("");
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === "Enter" || event.key === ",") {
      event.preventDefault();
      commit();
    } else if (event.key === "Backspace" && !text && tags.length > 0) {
      setTags((current) => current.slice(0, -1));
    }
  }

  return (
    <div>
      <label htmlFor={`${idPrefix}-tags`} className={labelClass}>
        Tags <span className="font-normal text-muted">(Enter to add)</span>
      </label>
      {tags.map((tag) => (
        <input key={tag} type="hidden" name="tags" value={tag} />
      ))}
      <div className="mt-1 flex flex-wrap items-center gap-1">
        {tags.map((tag) => (
          <span key={tag} className="inline-flex items-center gap-1 rounded-full bg-raised py-0.5 pl-2 text-sm">
            {tag}
            <button
              type="button"
              aria-label={`Remove tag ${tag}`}
              onClick={() => setTags((current) => current.filter((t) => t !== tag))}
              className="inline-flex size-6 items-center justify-center rounded-full text-muted hover:text-ink"
            >
              ×
            </button>
          </span>
        ))}
      </div>
      <input
        id={`${idPrefix}-tags`}
        type="text"
        value={text}
        list={listId}
        maxLength={32}
        disabled={tags.length >= MAX_TAGS}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
        onBlur={commit}
        className={`mt-1 ${inputClass}`}
      />
      <datalist id={listId}>
        {suggestions
          .filter((s) => !tags.some((t) => t.toLowerCase() === s.toLowerCase()))
          .map((s) => (
            <option key={s} value={s} />
          ))}
      </datalist>
    </div>
  );
}
