// The development mail path: without SMTP_URL each message is an .eml file in .data/outbox/ and its
// link is printed in the log. (Real SMTP is tested end to end, against a server the e2e test starts.)
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { afterEach, describe, expect, it, vi } from "vitest";

import { MailConfigError, createMailer, parseSmtpUrl } from "@/lib/server/mailer";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  vi.restoreAllMocks();
});

describe("mailer", () => {
  it("writes each message to the outbox and prints its link", async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "outbox-"));
    dirs.push(cwd);
    const log = vi.spyOn(console, "info").mockImplementation(() => undefined);
    const send = createMailer({ EMAIL_FROM: "Tasks <tasks@example.test>" }, cwd);
    const link = "http://localhost:3000/api/auth/reset-password/abc?callbackURL=%2Freset-password";
    await send({ to: "ada@example.com", subject: "Reset your Tasks password", text: `Open ${link}`, link });

    const files = fs.readdirSync(path.join(cwd, ".data", "outbox"));
    expect(files).toHaveLength(1);
    const message = fs.readFileSync(path.join(cwd, ".data", "outbox", files[0]!), "utf8");
    expect(message).toMatch(/^From: Tasks <tasks@example\.test>$/m);
    expect(message).toMatch(/^To: ada@example\.com$/m);
    expect(message).toMatch(/^Subject: Reset your Tasks password$/m);
    expect(log).toHaveBeenCalledWith(expect.stringContaining(link));
  });

  it("in production without SMTP_URL sends nothing and never prints the link", async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "outbox-"));
    dirs.push(cwd);
    const logged: unknown[] = [];
    for (const level of ["log", "info", "warn", "error"] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void logged.push(...args));
    }
    const send = createMailer({ NODE_ENV: "production" }, cwd);
    const link = "https://tasks.example.com/api/auth/reset-password/secret-token?callbackURL=%2Freset-password";
    await send({ to: "ada@example.com", subject: "Reset your Tasks password", text: `Open ${link}`, link });

    expect(fs.existsSync(path.join(cwd, ".data"))).toBe(false);
    expect(logged.join("\n")).toContain("SMTP_URL is not set");
    expect(logged.join("\n")).not.toContain("secret-token");
  });

  it("accepts smtp:// and smtps:// URLs only", () => {
    expect(parseSmtpUrl(undefined)).toBeNull();
    expect(parseSmtpUrl("smtp://127.0.0.1:2525")?.port).toBe("2525");
    expect(parseSmtpUrl("smtps://user:pass@mail.example.com:465")?.username).toBe("user");
    expect(() => parseSmtpUrl("http://mail.example.com")).toThrow(MailConfigError);
    expect(() => parseSmtpUrl("not a url")).toThrow(/SMTP_URL must look like/);
  });
});
