// The tag input's rules (DESIGN section 10): trimmed, inner spaces collapsed, 32 characters, no
// duplicates in any case, at most 10; and the due date of a repeating task's next occurrence.
import { describe, expect, it } from "vitest";

import { MAX_TAGS, addTag, normaliseTag } from "@/components/tag-input";
import { describeRecurrence, nextOccurrence } from "@/lib/dates";

describe("tag input", () => {
  it("normalises what is typed", () => {
    expect(normaliseTag("  deep   work ")).toBe("deep work");
    expect(normaliseTag("x".repeat(40))).toHaveLength(32);
  });

  it("keeps the first spelling of a tag and refuses empties and an eleventh", () => {
    expect(addTag(["Home"], "home")).toEqual(["Home"]);
    expect(addTag(["Home"], "   ")).toEqual(["Home"]);
    expect(addTag(["Home"], " work ")).toEqual(["Home", "work"]);
    const full = Array.from({ length: MAX_TAGS }, (_, n) => `t${n}`);
    expect(addTag(full, "one more")).toEqual(full);
  });
});

describe("repeating tasks", () => {
  it("step like the backend: month ends clamp", () => {
    expect(nextOccurrence("2026-01-31", "monthly")).toBe("2026-02-28");
    expect(nextOccurrence("2028-01-31", "monthly")).toBe("2028-02-29");
    expect(nextOccurrence("2026-12-15", "monthly", 2)).toBe("2027-02-15");
    expect(nextOccurrence("2028-02-29", "yearly")).toBe("2029-02-28");
    expect(nextOccurrence("2026-05-10", "weekly", 2)).toBe("2026-05-24");
    expect(nextOccurrence("2026-05-31", "daily")).toBe("2026-06-01");
    expect(describeRecurrence("weekly")).toBe("Repeats every week");
    expect(describeRecurrence("daily", 3)).toBe("Repeats every 3 days");
  });
});
