// Sends the app's emails (password reset, address verification) with nodemailer.
// SMTP_URL set: through that server (`smtp://host:port`, `smtps://user:pass@host:port`), from EMAIL_FROM.
// Unset in development: the message is written as an .eml file to .data/outbox/ and its link printed
// in the log, so that `make dev` works without a mail server. Unset in production: nothing is sent and
// the log says so, without the link (whoever reads a production log must not be able to use it).
import fs from "node:fs";
import path from "node:path";

import nodemailer from "nodemailer";


export const DEFAULT_EMAIL_FROM = "Tasks <no-reply@localhost>";
export const DEFAULT_OUTBOX_DIR = ".data/outbox";

export interface Email {
  to: string;
  subject: string;
  text: string;
  /** The one link the message is about; printed in the log when there is no SMTP server. */
  link: string;
}

export type SendEmail = (email: Email) => Promise<void>;

/** Raised for a malformed SMTP_URL; the message says how to fix it. */
export class MailConfigError extends Error {
  override name = "MailConfigError";
}

export function parseSmtpUrl(value: string | undefined): URL | null {
  const raw = (value ?? "").trim();
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new MailConfigError("SMTP_URL must look like smtp://host:port or smtps://user:pass@host:port.");
  }
  if (url.protocol !== "smtp:" && url.protocol !== "smtps:") {
    throw new MailConfigError(`SMTP_URL must start with smtp:// or smtps://, not ${url.protocol}//.`);
  }
  return url;
}

export function createMailer(env: Record<string, string | undefined>, cwd: string = process.cwd()): SendEmail {
  const smtp = parseSmtpUrl(env.SMTP_URL);
  const from = env.EMAIL_FROM?.trim() || DEFAULT_EMAIL_FROM;
  if (smtp) {
    const transport = nodemailer.createTransport(smtp.href);
    return async ({ to, subject, text }) => {
      await transport.sendMail({ from, to, subject, text });
    };
  }
  if (env.NODE_ENV === "production") {
    return async ({ subject }) => {
      console.warn(`[mail] "${subject}" was not sent: SMTP_URL is not set.`);
    };
  }
  const outbox = path.resolve(cwd, DEFAULT_OUTBOX_DIR);
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  return async ({ to, subject, text, link }) => {
    const info = await transport.sendMail({ from, to, subject, text });
    fs.mkdirSync(outbox, { recursive: true });
    const file = path.join(outbox, `${new Date().toISOString().replace(/[:.]/g, "-")}-${info.messageId.replace(/[^A-Za-z0-9]/g, "")}.eml`);
    fs.writeFileSync(file, info.message as Buffer, { mode: 0o600 });
    // No SMTP server (development): the link is how the developer follows the message.
    console.info(`[mail] "${subject}" for ${to} written to ${path.relative(cwd, file)}; link: ${link}`);
  };
}
