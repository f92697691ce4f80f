// The account page and session revocation end to end: the real frontend (Better Auth and its
// revocation feed), two backend processes, a real SMTP server; in both auth modes.
import { spawnSync } from "node:child_process";
import path from "node:path";

import AxeBuilder from "@axe-core/playwright";
import type { APIRequestContext, Browser, BrowserContext, Page } from "@playwright/test";

import { mailFor } from "../harness/mail";
import { ROOT, type Stack } from "../harness/stack";
import { addTask, alerts, decodeJwt, expect, newUser, signIn, signUp, test, tokenOf, type User } from "./fixtures";

const PROPAGATION_MS = 5_000;

/** GET the user's task list from one backend process with this token; the status and body. */
async function callApi(request: APIRequestContext, backendUrl: string, userId: string, token: string) {
  const response = await request.get(`${backendUrl}/api/${userId}/tasks`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: response.status(), body: (await response.json().catch(() => null)) as { reason?: string } | null };
}

function userIdOf(token: string): string {
  return decodeJwt(token).payload.sub as string;
}

/** Every backend serves the token now. */
async function servedEverywhere(request: APIRequestContext, stack: Stack, token: string) {
  for (const url of stack.backendUrls) {
    expect((await callApi(request, url, userIdOf(token), token)).status, `${url} serves the token`).toBe(200);
  }
}

/**
 * Waits until every backend process refuses the token as revoked; returns the milliseconds it took
 * from `since` (the moment the session ended) for the slowest of them.
 */
async function refusedEverywhere(request: APIRequestContext, stack: Stack, token: string, since: number, what: string) {
  const userId = userIdOf(token);
  const pending = new Set(stack.backendUrls);
  let slowest = 0;
  while (pending.size) {
    for (const url of [...pending]) {
      const { status, body } = await callApi(request, url, userId, token);
      if (status === 401) {
        expect(body?.reason).toBe("revoked");
        slowest = Date.now() - since;
        pending.delete(url);
      }
    }
    expect(Date.now() - since, `${what}: still served by ${[...pending].join(", ")}`).toBeLessThan(PROPAGATION_MS);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  console.log(`[${stack.mode}] ${what}: refused by ${stack.backendUrls.length} backends after ${slowest} ms`);
  return slowest;
}

const FIREFOX_ON_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0";
const SAFARI_ON_IOS =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1";

async function secondBrowser(
  browser: Browser,
  stack: Stack,
  user: User,
  userAgent?: string,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: stack.frontendUrl, ...(userAgent ? { userAgent } : {}) });
  const page = await context.newPage();
  await signIn(page, user);
  return { context, page };
}

async function openAccount(page: Page) {
  await page.getByRole("link", { name: "Account" }).click();
  await page.waitForURL("**/account");
  await expect(page.getByRole("heading", { name: "Your account" })).toBeVisible();
  await expect(page.getByRole("list", { name: "Active sessions" }).getByRole("listitem").first()).toBeVisible();
}

/** The number of the backend's rows that belong to this user, read from its database. */
function backendRows(stack: Stack, userId: string): number {
  const script = [
    "import os, sys",
    "from sqlalchemy import text",
    "from app.db import create_db_engine",
    "engine = create_db_engine(os.environ['DATABASE_URL'])",
    "with engine.connect() as c: print(c.execute(text('SELECT count(*) FROM tasks WHERE user_id = :u'), {'u': sys.argv[1]}).scalar_one())",
  ].join("\n");
  const result = spawnSync("uv", ["run", "--locked", "python", "-c", script, userId], {
    cwd: path.join(ROOT, "backend"),
    env: { ...process.env, DATABASE_URL: stack.backendDatabase },
    encoding: "utf8",
  });
  expect(result.status, result.stderr).toBe(0);
  return Number(result.stdout.trim());
}

test("the profile: the name is saved and carried by the next token; the email and the session's dates are shown", async ({ page, stack }) => {
  const user = newUser("Renamer");
  await signUp(page, user);
  await openAccount(page);
  await expect(page.getByRole("region", { name: "Profile" })).toContainText(user.email);
  const session = page.getByRole("list", { name: "Active sessions" }).getByRole("listitem").first();
  await expect(session).toContainText(/Signed in .+ · last active .+/);

  await page.getByLabel("Name").fill("   ");
  await page.getByRole("button", { name: "Save name" }).click();
  await expect(page.getByRole("region", { name: "Profile" }).getByRole("alert")).toContainText("Enter your name.");
  await page.getByLabel("Name").fill("Ada Renamed");
  await page.getByRole("button", { name: "Save name" }).click();
  await expect(page.getByText("Name saved.")).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Name")).toHaveValue("Ada Renamed");
  const token = await tokenOf(page.context(), stack.frontendUrl);
  expect(decodeJwt(token).payload.name).toBe("Ada Renamed");
});

test.describe("sessions end on every backend", () => {
  test("sign out: the same token is refused by both backends within 5 s", async ({ page, stack, request }) => {
    const user = newUser("Leaver");
    await signUp(page, user);
    const token = await tokenOf(page.context(), stack.frontendUrl);
    await servedEverywhere(request, stack, token);

    // Every clock starts at the click: what is printed is what a person waits for.
    const ended = Date.now();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL("**/login");
    await refusedEverywhere(request, stack, token, ended, "sign-out");
  });

  test("a session revoked from the account page, and sign out everywhere else", async ({ page, stack, request, browser }) => {
    const user = newUser("Revoker");
    await signUp(page, user);
    const laptop = await secondBrowser(browser, stack, user, FIREFOX_ON_WINDOWS);
    const phone = await secondBrowser(browser, stack, user, SAFARI_ON_IOS);
    const laptopToken = await tokenOf(laptop.context, stack.frontendUrl);
    const phoneToken = await tokenOf(phone.context, stack.frontendUrl);
    await servedEverywhere(request, stack, laptopToken);

    await openAccount(page);
    const sessions = page.getByRole("list", { name: "Active sessions" }).getByRole("listitem");
    await expect(sessions).toHaveCount(3);
    await expect(sessions.filter({ hasText: "This browser" })).toHaveCount(1);
    await expect(sessions.first()).toContainText("This browser");
    await expect(sessions.filter({ hasText: "Firefox on Windows" })).toHaveCount(1);
    await expect(sessions.filter({ hasText: "Safari on iOS" })).toHaveCount(1);

    const revoked = Date.now();
    await sessions.filter({ hasText: "Firefox on Windows" }).getByRole("button", { name: "Revoke" }).click();
    await expect(sessions).toHaveCount(2);
    await refusedEverywhere(request, stack, laptopToken, revoked, "Revoke");
    await servedEverywhere(request, stack, phoneToken);

    const elsewhere = Date.now();
    await page.getByRole("button", { name: "Sign out everywhere else" }).click();
    await expect(sessions).toHaveCount(1);
    await refusedEverywhere(request, stack, phoneToken, elsewhere, "Sign out everywhere else");
    // This browser goes on working.
    await servedEverywhere(request, stack, await tokenOf(page.context(), stack.frontendUrl));
    await laptop.context.close();
    await phone.context.close();
  });

  test("a password change ends the other sessions; the new password signs in", async ({ page, stack, request, browser }) => {
    const user = newUser("Changer");
    await signUp(page, user);
    const other = await secondBrowser(browser, stack, user);
    const otherToken = await tokenOf(other.context, stack.frontendUrl);
    const ownToken = await tokenOf(page.context(), stack.frontendUrl);

    await openAccount(page);
    await page.getByLabel("Current password").fill("not my password");
    await page.getByLabel("New password").fill("a brand new password");
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(alerts(page)).toContainText("current password is not right");

    await page.getByLabel("Current password").fill(user.password);
    await page.getByLabel("New password").fill("a brand new password");
    const changed = Date.now();
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByText("Password changed.")).toBeVisible();
    await refusedEverywhere(request, stack, otherToken, changed, "password change");
    // Better Auth gave this browser a new session: its old token is gone too, a new one works.
    await refusedEverywhere(request, stack, ownToken, changed, "password change (this browser's old session)");
    await servedEverywhere(request, stack, await tokenOf(page.context(), stack.frontendUrl));

    await other.page.goto("/login");
    await other.page.getByLabel("Email").fill(user.email);
    await other.page.getByLabel("Password").fill(user.password);
    await other.page.getByRole("button", { name: "Sign in" }).click();
    await expect(alerts(other.page)).toContainText("Wrong email or password");
    await signIn(other.page, { ...user, password: "a brand new password" });
    await other.context.close();
  });

  test("deleting the account removes its tasks from the backend", async ({ page, stack, request }) => {
    const user = newUser("Deleter");
    await signUp(page, user);
    await addTask(page, "Soon gone");
    await addTask(page, "Also gone");
    const token = await tokenOf(page.context(), stack.frontendUrl);
    const userId = userIdOf(token);
    expect(backendRows(stack, userId)).toBe(2);

    await openAccount(page);
    await page.getByRole("button", { name: "Delete account" }).click();
    const dialog = page.getByRole("dialog");
    await expect(dialog).toContainText("all your tasks and tags, for good");
    await dialog.getByLabel("Password").fill("wrong password");
    await dialog.getByRole("button", { name: "Delete account" }).click();
    await expect(dialog.getByRole("alert")).toContainText("not right");
    await dialog.getByLabel("Password").fill(user.password);
    const deleted = Date.now();
    await dialog.getByRole("button", { name: "Delete account" }).click();
    await page.waitForURL("**/signup");

    await refusedEverywhere(request, stack, token, deleted, "account deletion");
    // The backend purges in the same poll that brought the revocation (timed in the backend's and
    // the security suite's tests); each read here starts a Python process, hence the wider window.
    await expect.poll(() => backendRows(stack, userId), { timeout: 60_000 }).toBe(0);
  });
});

test.describe("password reset by email", () => {
  test("the emailed link resets once; old password and sessions stop working", async ({ page, stack, request, browser }) => {
    const user = newUser("Forgetter");
    await signUp(page, user);
    const oldToken = await tokenOf(page.context(), stack.frontendUrl);

    const visitor = await browser.newContext({ baseURL: stack.frontendUrl });
    const tab = await visitor.newPage();
    await tab.goto("/login");
    await tab.getByRole("link", { name: "Forgot password?" }).click();
    await tab.waitForURL("**/forgot-password");

    // An address without an account gets the very same answer.
    await tab.getByLabel("Email").fill(`nobody-${Date.now()}@example.com`);
    await tab.getByRole("button", { name: "Send reset link" }).click();
    const unknownAnswer = await tab.getByRole("status").innerText();

    await tab.goto("/forgot-password");
    await tab.getByLabel("Email").fill(user.email);
    await tab.getByRole("button", { name: "Send reset link" }).click();
    const knownAnswer = await tab.getByRole("status").innerText();
    expect(knownAnswer.replace(user.email, "X")).toBe(unknownAnswer.replace(/nobody-\d+@example\.com/, "X"));

    await expect.poll(() => mailFor(stack.mailDir, user.email).length, { timeout: 10_000 }).toBe(1);
    const [mail] = mailFor(stack.mailDir, user.email);
    expect(mail!.subject).toBe("Reset your Tasks password");
    const link = /https?:\/\/\S+\/api\/auth\/reset-password\/\S+/.exec(mail!.text)?.[0];
    expect(link, mail!.text).toBeTruthy();

    await tab.goto(link!);
    await tab.waitForURL(/\/reset-password\?/);
    await tab.getByLabel("New password").fill("reset to this one");
    await tab.getByRole("button", { name: "Reset password" }).click();
    await expect(tab.getByRole("status")).toContainText("Your password has been reset");
    const reset = Date.now();
    await refusedEverywhere(request, stack, oldToken, reset, "password reset");

    // The link worked once.
    await tab.goto(link!);
    await tab.waitForURL(/\/reset-password/);
    await expect(alerts(tab)).toContainText(/expired or has already been used/);

    // The old password no longer signs in; the new one does.
    await tab.goto("/login");
    await tab.getByLabel("Email").fill(user.email);
    await tab.getByLabel("Password").fill(user.password);
    await tab.getByRole("button", { name: "Sign in" }).click();
    await expect(alerts(tab)).toContainText("Wrong email or password");
    await signIn(tab, { ...user, password: "reset to this one" });
    await visitor.close();
  });
});

test.describe("accessibility", () => {
  test("account, forgot-password and reset-password pages have no axe violations", async ({ page, browser, stack }) => {
    await signUp(page, newUser("Axe"));
    await openAccount(page);
    expect((await new AxeBuilder({ page }).analyze()).violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
    await page.getByRole("button", { name: "Delete account" }).click();
    await expect(page.getByRole("dialog")).toBeVisible();
    expect((await new AxeBuilder({ page }).analyze()).violations.map((v) => v.id)).toEqual([]);
    await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();

    const visitor = await browser.newContext({ baseURL: stack.frontendUrl });
    const anonymous = await visitor.newPage();
    for (const url of ["/login", "/forgot-password", "/reset-password?token=abc"]) {
      await anonymous.goto(url);
      await expect(anonymous.getByRole("heading", { level: 1 })).toBeVisible();
      expect((await new AxeBuilder({ page: anonymous }).analyze()).violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
    }
    await visitor.close();
  });
});
