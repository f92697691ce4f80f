// Fixtures and user-level helpers shared by the browser tests.
import { readFileSync } from "node:fs";
import { test as base, expect, type APIRequestContext, type BrowserContext, type Locator, type Page } from "@playwright/test";
import { STATE_FILE, type AuthMode, type Stack } from "../harness/stack";

export { expect };

function stacks(): Record<AuthMode, Stack> {
  return JSON.parse(process.env.E2E_STACKS ?? readFileSync(STATE_FILE, "utf8")) as Record<AuthMode, Stack>;
}

/** `stack`: the running servers of this project's auth mode; pages open the app at its origin. */
export const test = base.extend<{ stack: Stack }>({
  stack: async ({}, use, testInfo) => {
    const mode = testInfo.project.metadata.mode as AuthMode;
    await use(stacks()[mode]);
  },
  baseURL: async ({ stack }, use) => {
    await use(stack.frontendUrl);
  },
});

export interface User {
  name: string;
  email: string;
  password: string;
}

let counter = 0;
export function newUser(label: string): User {
  counter += 1;
  const unique = `${Date.now().toString(36)}${process.pid}${counter}`;
  return { name: `${label} ${unique}`, email: `${label.toLowerCase()}-${unique}@example.com`, password: `pw-${unique}-Secret!` };
}

export async function signUp(page: Page, user: User): Promise<void> {
  await page.goto("/signup");
  await page.getByLabel("Name").fill(user.name);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL("**/tasks");
  await tasksLoaded(page);
}

export async function signIn(page: Page, user: User): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL("**/tasks");
  await tasksLoaded(page);
}

/**
 * Waits until the task list has been fetched, which happens only once the page is hydrated: a
 * person takes longer than that to type, a test does not, and a form submitted before hydration
 * is posted natively instead of through the app.
 */
export async function tasksLoaded(page: Page): Promise<void> {
  await expect(page.getByText(/^\d+ open · \d+ done$/)).toBeVisible();
  await expect(page.getByRole("button", { name: "Add task" })).toBeEnabled();
}

export async function reloadTasks(page: Page): Promise<void> {
  await page.reload();
  await tasksLoaded(page);
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).not.toHaveURL(/\/tasks/);
}

/** The list item of the task with this exact title. */
export function task(page: Page, title: string): Locator {
  return page.getByRole("listitem").filter({ has: page.getByRole("checkbox", { name: title, exact: true }) });
}

export async function addTask(page: Page, title: string): Promise<void> {
  await page.getByLabel("Title", { exact: true }).first().fill(title);
  await page.getByRole("button", { name: "Add task" }).click();
  await expect(task(page, title)).toBeVisible();
}

export async function editTask(page: Page, from: string, to: string): Promise<void> {
  await task(page, from).getByRole("button", { name: "Edit" }).click();
  await page.getByLabel("Task name").fill(to);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(task(page, to)).toBeVisible();
}

/**
 * Error messages shown to the user. Empty alert regions (kept for toasts) and Next.js's route
 * announcer, which is an alert that reads out each page's title, are not messages.
 */
export function alerts(page: Page): Locator {
  return page.locator('[role="alert"]:not(#__next-route-announcer__)').filter({ hasText: /\S/ });
}

export async function deleteTask(page: Page, title: string): Promise<void> {
  await task(page, title).getByRole("button", { name: "Delete" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Delete" }).click();
  await expect(task(page, title)).toHaveCount(0);
}

/** A fresh JWT for the user signed in to this browser context, fetched with its session cookie. */
export async function tokenOf(context: BrowserContext | APIRequestContext, frontendUrl: string): Promise<string> {
  const request = "request" in context ? context.request : context;
  const response = await request.get(`${frontendUrl}/api/auth/token`);
  expect(response.status(), "GET /api/auth/token with the session cookie").toBe(200);
  const body = (await response.json()) as { token?: string };
  expect(body.token).toBeTruthy();
  return body.token as string;
}

export function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header, payload] = token.split(".").slice(0, 2).map((part) => JSON.parse(Buffer.from(part, "base64url").toString("utf8")));
  return { header, payload };
}

export const JWT_SHAPE = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/;
