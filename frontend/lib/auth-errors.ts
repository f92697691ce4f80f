// Better Auth's error answers, said the way a person signing in needs to hear them, and tied to the
// field they are about when there is one.

export type AuthError = { code?: string | undefined; message?: string | undefined; status: number };
export type AuthField = "name" | "email" | "password";

const MESSAGES: Record<string, string> = {
  INVALID_EMAIL_OR_PASSWORD: "Wrong email or password.",
  USER_ALREADY_EXISTS: "An account with this email already exists. Sign in instead.",
  USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: "An account with this email already exists. Sign in instead.",
  PASSWORD_TOO_SHORT: "Password is too short: use at least 8 characters.",
  PASSWORD_TOO_LONG: "Password is too long: use at most 128 characters.",
  INVALID_EMAIL: "Enter a valid email address, like name@example.com.",
  INVALID_PASSWORD: "That password is not right.",
  INVALID_TOKEN: "This link has expired or has already been used. Ask for a new one.",
  EMAIL_NOT_VERIFIED: "Confirm your email address first: open the link we emailed you.",
  SESSION_EXPIRED: "For your safety, sign in again before doing this.",
};

const FIELD_OF_CODE: Record<string, AuthField> = {
  INVALID_EMAIL: "email",
  PASSWORD_TOO_SHORT: "password",
  PASSWORD_TOO_LONG: "password",
};

const FIELD_MESSAGES: Record<AuthField, string> = {
  name: "Enter your name.",
  email: "Enter a valid email address, like name@example.com.",
  password: "Enter a password of 8 to 128 characters.",
};

/** A validator's answer such as "[body.email] Invalid email address" names the field it is about. */
const VALIDATOR_FIELD = /^\[body\.(name|email|password)\]/;

export function describeAuthError(error: AuthError): string {
  if (error.status === 429) return "Too many attempts. Wait a minute, then try again.";
  if (error.code && MESSAGES[error.code]) return MESSAGES[error.code]!;
  const field = VALIDATOR_FIELD.exec(error.message ?? "")?.[1] as AuthField | undefined;
  if (field) return FIELD_MESSAGES[field];
  if (error.message?.startsWith("[")) return "Something in the form is not right. Check it and try again.";
  return error.message || "Something went wrong. Try again.";
}

/** The field an error is about, if it is about one. */
export function fieldOfAuthError(error: AuthError): AuthField | null {
  if (error.code && FIELD_OF_CODE[error.code]) return FIELD_OF_CODE[error.code]!;
  return (VALIDATOR_FIELD.exec(error.message ?? "")?.[1] as AuthField | undefined) ?? null;
}

export type FieldErrors = Partial<Record<AuthField, string>>;

/** What is wrong with the form before it is sent, field by field, in the order the fields appear. */
export function checkAuthForm(
  values: { name: string; email: string; password: string },
  mode: "signin" | "signup",
): FieldErrors {
  const errors: FieldErrors = {};
  if (mode === "signup" && !values.name) errors.name = "Enter your name.";
  if (!values.email) errors.email = "Enter your email address.";
  else if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.email)) errors.email = FIELD_MESSAGES.email;
  if (!values.password) errors.password = mode === "signup" ? "Choose a password of at least 8 characters." : "Enter your password.";
  else if (mode === "signup" && values.password.length < 8) errors.password = "Use at least 8 characters for your password.";
  else if (mode === "signup" && values.password.length > 128) errors.password = "Use at most 128 characters for your password.";
  return errors;
}
