import { describe, expect, it } from "vitest";

import { describeApiError } from "@/lib/api-client";
import { describeAuthError } from "@/lib/auth-errors";
import { formatDueDate, isOverdue, todayIso } from "@/lib/dates";

describe("messages", () => {
  it("turns Better Auth errors into sentences", () => {
    expect(describeAuthError({ status: 401, code: "INVALID_EMAIL_OR_PASSWORD" })).toBe("Wrong email or password.");
    expect(describeAuthError({ status: 422, code: "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL" })).toMatch(/already exists/);
    expect(describeAuthError({ status: 400, code: "PASSWORD_TOO_SHORT" })).toMatch(/at least 8/);
    expect(describeAuthError({ status: 429 })).toMatch(/Too many attempts/);
    expect(describeAuthError({ status: 500, message: "Boom" })).toBe("Boom");
  });

  it("reads FastAPI error bodies", () => {
    expect(describeApiError({ detail: "Task not found" }, "x")).toBe("Task not found");
    expect(describeApiError({ detail: [{ loc: ["body", "title"], msg: "String should have at least 1 character" }] }, "x")).toBe(
      "title: String should have at least 1 character",
    );
    expect(describeApiError("<html>", "Could not save")).toBe("Could not save");
  });
});

describe("due dates", () => {
  const noon = new Date(2026, 4, 10, 12, 0, 0); // 10 May 2026, local time

  it("are overdue only when past and not completed", () => {
    expect(todayIso(noon)).toBe("2026-05-10");
    expect(isOverdue("2026-05-09", false, noon)).toBe(true);
    expect(isOverdue("2026-05-10", false, noon)).toBe(false);
    expect(isOverdue("2026-05-09", true, noon)).toBe(false);
    expect(isOverdue(null, false, noon)).toBe(false);
  });

  it("format as calendar dates without shifting across time zones", () => {
    expect(formatDueDate("2026-01-01")).toContain("2026");
    expect(formatDueDate("2026-01-01")).toMatch(/1/);
    expect(formatDueDate("garbage")).toBe("garbage");
  });
});
