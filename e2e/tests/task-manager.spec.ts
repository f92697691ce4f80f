// The task manager as a person meets it: quick add with details, views, the URL keeping a filter,
// the first page in the HTML, dark mode, shortcuts, field errors, and toasts that leave with the fault.
import type { Page } from "@playwright/test";

import { JWT_SHAPE, addTask, alerts, expect, newUser, reloadTasks, signUp, task, tasksLoaded, test } from "./fixtures";

const pad = (n: number) => String(n).padStart(2, "0");
function dayFromToday(days: number): string {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Adds a task through the quick add, with the details form opened when a detail is given. */
async function quickAdd(page: Page, title: string, details: { due?: string; priority?: string; description?: string } = {}) {
  const form = page.getByRole("form", { name: "Add a task" });
  await form.getByLabel("Title", { exact: true }).fill(title);
  if (Object.keys(details).length > 0) {
    const toggle = form.getByRole("button", { name: "Details" });
    if ((await toggle.getAttribute("aria-expanded")) !== "true") await toggle.click();
    if (details.description) await form.getByLabel("Description").fill(details.description);
    if (details.priority) await form.getByLabel("Priority").selectOption(details.priority);
    if (details.due) await form.getByLabel("Due date").fill(details.due);
  }
  await form.getByRole("button", { name: "Add task" }).click();
  await expect(task(page, title)).toBeVisible();
  // The row shows before the save has finished; the form clears only once it has (as a person waits
  // for it). A title typed before that keeps the previous details (see the closing note of stop 19).
  await expect(form.getByLabel("Title", { exact: true })).toHaveValue("");
}

const group = (page: Page, name: string) => page.getByRole("region", { name: new RegExp(`^${name} \\(\\d+\\)$`) });

test("quick add with details, and each view with tasks due yesterday, today, next week and never", async ({ page }) => {
  await signUp(page, newUser("Views"));
  await quickAdd(page, "Pay the rent", { due: dayFromToday(-1), priority: "high", description: "Before noon" });
  await quickAdd(page, "Water the plants", { due: dayFromToday(0) });
  await quickAdd(page, "Book the dentist", { due: dayFromToday(7) });
  await quickAdd(page, "Read a book");

  const rent = task(page, "Pay the rent");
  await expect(rent).toContainText("Overdue since");
  await expect(rent).toContainText("High priority");
  await expect(rent).toContainText("Before noon");
  await expect(task(page, "Water the plants")).toContainText("Due today");

  await expect(group(page, "Overdue").getByRole("listitem")).toHaveText([/Pay the rent/]);
  await expect(group(page, "Today").getByRole("listitem")).toHaveText([/Water the plants/]);
  await expect(group(page, "Upcoming").getByRole("listitem")).toHaveText([/Book the dentist/]);
  await expect(group(page, "No date").getByRole("listitem")).toHaveText([/Read a book/]);
  await expect(page.getByText("4 open · 0 done")).toBeVisible();

  const views = page.getByRole("navigation", { name: "Views" });
  for (const [view, title, param] of [
    ["Overdue", "Pay the rent", "overdue"],
    ["Today", "Water the plants", "today"],
    ["Upcoming", "Book the dentist", "upcoming"],
    ["No date", "Read a book", "nodate"],
  ] as const) {
    await views.getByRole("link", { name: new RegExp(`^${view}`) }).click();
    await expect(page).toHaveURL(new RegExp(`view=${param}`));
    await expect(page.locator("[data-task-row]")).toHaveText([new RegExp(title)]);
  }

  // Completing a task moves it to Completed, kept apart with its count.
  await views.getByRole("link", { name: /^All/ }).click();
  await task(page, "Read a book").getByRole("checkbox").check();
  await expect(page.getByText("3 open · 1 done")).toBeVisible();
  await expect(page.getByRole("region", { name: /^Completed/ }).getByRole("listitem")).toHaveText([/Read a book/]);
  await page.getByRole("button", { name: /^Completed/ }).click();
  await expect(task(page, "Read a book")).toBeHidden();
});

test("the view, a filter and the sort live in the URL: reload, back and a shared link keep them", async ({ page, context }) => {
  await signUp(page, newUser("Url"));
  await quickAdd(page, "Urgent thing", { priority: "high" });
  await quickAdd(page, "Someday thing", { priority: "low" });

  await page.getByRole("button", { name: /^Filters/ }).click();
  const filters = page.getByRole("group", { name: "Filters" });
  await filters.getByLabel("Priority").selectOption("high");
  await expect(page).toHaveURL(/priority=high/);
  await expect(task(page, "Someday thing")).toHaveCount(0);
  await page.getByLabel("Sort by").selectOption("title");
  await expect(page).toHaveURL(/sort=title/);

  await reloadTasks(page);
  await expect(task(page, "Urgent thing")).toBeVisible();
  await expect(task(page, "Someday thing")).toHaveCount(0);
  await expect(page.getByLabel("Sort by")).toHaveValue("title");
  await expect(page.getByRole("group", { name: "Filters" }).getByLabel("Priority")).toHaveValue("high");

  // A shared link opens the same list in another tab.
  const other = await context.newPage();
  await other.goto(page.url());
  await tasksLoaded(other);
  await expect(task(other, "Someday thing")).toHaveCount(0);
  await expect(task(other, "Urgent thing")).toBeVisible();
  await other.close();

  await page.goBack();
  await expect(page).not.toHaveURL(/sort=title/);
  await expect(page).toHaveURL(/priority=high/);
  await page.goBack();
  await expect(page).not.toHaveURL(/priority=/);
  await expect(task(page, "Someday thing")).toBeVisible();

  // Search is in the URL too.
  await page.getByRole("searchbox", { name: "Search" }).fill("Urgent");
  await expect(page).toHaveURL(/q=Urgent/);
  await expect(task(page, "Someday thing")).toHaveCount(0);
});

test("the first page of tasks comes in the HTML, without the token", async ({ page }) => {
  await signUp(page, newUser("Html"));
  await addTask(page, "Rendered by the server");
  const response = await page.request.get("/tasks");
  const html = await response.text();
  expect(html).toContain("Rendered by the server");
  expect(html).not.toMatch(JWT_SHAPE);

  // Painted before any script runs.
  await page.route("**/*.js", (route) => route.abort());
  await page.goto("/tasks");
  await expect(task(page, "Rendered by the server")).toBeVisible();
});

test("dark mode follows the system and a chosen theme is remembered", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "dark" });
  await signUp(page, newUser("Dark"));
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(await background()).toBe("rgb(11, 17, 32)");

  await page.getByLabel("Theme").selectOption("light");
  expect(await background()).toBe("rgb(248, 250, 252)");
  await reloadTasks(page);
  expect(await background()).toBe("rgb(248, 250, 252)");

  await page.emulateMedia({ colorScheme: "light" });
  await page.getByLabel("Theme").selectOption("dark");
  await reloadTasks(page);
  expect(await background()).toBe("rgb(11, 17, 32)");
  await expect(page.getByLabel("Theme")).toHaveValue("dark");
});

test("keyboard shortcuts: quick add, search, moving between tasks, and the ? help", async ({ page }) => {
  await signUp(page, newUser("Keys"));
  await addTask(page, "First");
  await addTask(page, "Second");
  await page.getByRole("main").click({ position: { x: 1, y: 1 } });

  await page.keyboard.press("/");
  await expect(page.getByRole("searchbox", { name: "Search" })).toBeFocused();
  await page.keyboard.press("Escape");
  await page.getByRole("searchbox", { name: "Search" }).blur();

  await page.keyboard.press("j");
  const boxes = page.locator("[data-task-row] input[type=checkbox]");
  await expect(boxes.nth(0)).toBeFocused();
  await page.keyboard.press("j");
  await expect(boxes.nth(1)).toBeFocused();
  await page.keyboard.press("k");
  await expect(boxes.nth(0)).toBeFocused();

  await page.keyboard.press("n");
  await expect(page.getByLabel("Title", { exact: true })).toBeFocused();
  await page.getByLabel("Title", { exact: true }).blur();

  await page.keyboard.press("?");
  const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(help).toBeVisible();
  await expect(help).toContainText("Next task");
  await page.keyboard.press("Escape");
  await expect(help).toBeHidden();

  // The skip link is the first stop.
  await page.reload();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
});

test("one editor at a time, and Escape asks before throwing away edits", async ({ page }) => {
  await signUp(page, newUser("Editor"));
  await addTask(page, "Alpha");
  await addTask(page, "Beta");

  await task(page, "Alpha").getByRole("button", { name: "Edit" }).click();
  await page.getByLabel("Task name").fill("Alpha changed");
  await page.keyboard.press("Escape");
  const discard = page.getByRole("dialog", { name: "Discard your changes?" });
  await expect(discard).toBeVisible();
  await discard.getByRole("button", { name: "Keep editing" }).click();
  await expect(page.getByLabel("Task name")).toHaveValue("Alpha changed");

  // Opening another task's editor asks too, then only that one is open.
  await task(page, "Beta").getByRole("button", { name: "Edit" }).click();
  await page.getByRole("dialog", { name: "Discard your changes?" }).getByRole("button", { name: "Discard changes" }).click();
  await expect(page.getByLabel("Task name")).toHaveCount(1);
  await expect(page.getByLabel("Task name")).toHaveValue("Beta");
  await page.keyboard.press("Escape"); // nothing changed: closes without asking
  await expect(page.getByLabel("Task name")).toHaveCount(0);
  await expect(task(page, "Alpha")).toBeVisible();
});

test("field errors: a bad email, a short password and an empty title, each at its field", async ({ page }) => {
  await page.goto("/signup");
  await page.getByLabel("Name").fill("Fields");
  await page.getByLabel("Email").fill("fields@");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();

  const email = page.getByLabel("Email");
  await expect(email).toHaveAttribute("aria-invalid", "true");
  await expect(email).toBeFocused();
  await expect(email).toHaveAccessibleDescription(/valid email address/);
  const password = page.getByLabel("Password");
  await expect(password).toHaveAttribute("aria-invalid", "true");
  await expect(password).toHaveAccessibleDescription(/at least 8 characters/);
  await expect(page.getByText(/\[body\./)).toHaveCount(0);

  const user = newUser("Fields");
  await email.fill(user.email);
  await password.fill(user.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL("**/tasks");
  await tasksLoaded(page);

  await page.getByRole("button", { name: "Add task" }).click();
  const title = page.getByLabel("Title", { exact: true });
  await expect(title).toHaveAttribute("aria-invalid", "true");
  await expect(title).toBeFocused();
  await expect(title).toHaveAccessibleDescription("Give the task a title.");
});

test("no message is left once the backend is back", async ({ page, stack }) => {
  await signUp(page, newUser("Flaky"));
  await addTask(page, "Steady");
  const backend = `${stack.backendUrl}/**`;
  await page.route(backend, (route) => route.abort("connectionrefused"));

  await page.getByLabel("Sort by").selectOption("title"); // a list read that cannot get through
  await expect(alerts(page)).toHaveCount(1);
  await expect(alerts(page)).toContainText("Could not reach the task service");
  await page.getByLabel("Title", { exact: true }).fill("Lost?");
  await page.getByRole("button", { name: "Add task" }).click();
  await expect(alerts(page)).toContainText("“Lost?” was not added.");
  await expect(alerts(page).getByText("Could not reach the task service", { exact: false })).toHaveCount(2); // list, add
  await page.getByLabel("Sort by").selectOption("priority"); // fails again: still one message for the list
  await expect(alerts(page).getByText(/^Could not reach the task service/)).toHaveCount(1);

  await page.unroute(backend);
  const retry = page.getByRole("button", { name: "Try again" }); // unless a retry already got through
  if (await retry.isVisible()) await retry.click();
  await expect(task(page, "Steady")).toBeVisible();
  await page.getByRole("button", { name: "Add task" }).click();
  await expect(task(page, "Lost?")).toBeVisible();
  await expect(alerts(page)).toHaveCount(0);
});

test("a missing page is styled and leads back", async ({ page }) => {
  await signUp(page, newUser("Lost"));
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "This page does not exist" })).toBeVisible();
  await page.getByRole("link", { name: "Back to your tasks" }).click();
  await page.waitForURL("**/tasks");
});

test("on a phone, at least three tasks are on the first screen", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signUp(page, newUser("Phone"));
  for (const title of ["One", "Two", "Three", "Four", "Five"]) await addTask(page, title);
  await reloadTasks(page);
  const rows = await page.locator("[data-task-row]").evaluateAll((els) =>
    els.filter((el) => el.getBoundingClientRect().bottom <= window.innerHeight).length,
  );
  expect(rows).toBeGreaterThanOrEqual(3);
});
