// Sign-up and sign-in mistakes in the person's words, tied to their field.
import { describe, expect, it } from "vitest";

import { checkAuthForm, describeAuthError, fieldOfAuthError } from "@/lib/auth-errors";

describe("auth form mistakes", () => {
  it("never shows a validator's raw text", () => {
    const raw = { status: 400, code: "VALIDATION_ERROR", message: "[body.email] Invalid email address" };
    expect(describeAuthError(raw)).toBe("Enter a valid email address, like name@example.com.");
    expect(fieldOfAuthError(raw)).toBe("email");
    expect(describeAuthError({ status: 400, message: "[body.callbackURL] Invalid input" })).not.toContain("[");
  });

  it("ties Better Auth's codes to their field", () => {
    expect(fieldOfAuthError({ status: 400, code: "PASSWORD_TOO_SHORT" })).toBe("password");
    expect(fieldOfAuthError({ status: 401, code: "INVALID_EMAIL_OR_PASSWORD" })).toBeNull();
  });

  it("checks the form before sending it, field by field", () => {
    expect(checkAuthForm({ name: "", email: "ada@", password: "short" }, "signup")).toEqual({
      name: "Enter your name.",
      email: "Enter a valid email address, like name@example.com.",
      password: "Use at least 8 characters for your password.",
    });
    expect(checkAuthForm({ name: "", email: "ada@example.com", password: "x" }, "signin")).toEqual({});
    expect(checkAuthForm({ name: "Ada", email: "ada@example.com", password: "long enough" }, "signup")).toEqual({});
  });
});
