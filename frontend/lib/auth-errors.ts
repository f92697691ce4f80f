// Better Auth's error answers, said the way a person signing in needs to hear them.

export type AuthError = { code?: string | undefined; message?: string | undefined; status: number };

const MESSAGES: Record<string, string> = {
  INVALID_EMAIL_OR_PASSWORD: "Wrong email or password.",
  USER_ALREADY_EXISTS: "An account with this email already exists. Sign in instead.",
  USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: "An account with this email already exists. Sign in instead.",
  PASSWORD_TOO_SHORT: "Password is too short: use at least 8 characters.",
  PASSWORD_TOO_LONG: "Password is too long: use at most 128 characters.",
  INVALID_EMAIL: "Enter a valid email address.",
  INVALID_PASSWORD: "That password is not right.",
  INVALID_TOKEN: "This link has expired or has already been used. Ask for a new one.",
  EMAIL_NOT_VERIFIED: "Confirm your email address first: open the link we emailed you.",
  SESSION_EXPIRED: "For your safety, sign in again before doing this.",
};

export function describeAuthError(error: AuthError): string {
  if (error.status === 429) return "Too many attempts. Wait a minute, then try again.";
  if (error.code && MESSAGES[error.code]) return MESSAGES[error.code]!;
  return error.message || "Something went wrong. Try again.";
}
