// Tags, repeating tasks and reminders through the UI (DESIGN section 10).
import type { Page } from "@playwright/test";

import { expect, newUser, signUp, task, test } from "./fixtures";

const pad = (n: number) => String(n).padStart(2, "0");
const isoDay = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

async function openDetails(page: Page) {
  const form = page.getByRole("form", { name: "Add a task" });
  const toggle = form.getByRole("button", { name: "Details" });
  if ((await toggle.getAttribute("aria-expanded")) !== "true") await toggle.click();
  return form;
}

test("tags are added as chips, suggested, filtered by, renamed and deleted", async ({ page }) => {
  await signUp(page, newUser("Tags"));
  let form = await openDetails(page);
  await form.getByLabel("Title", { exact: true }).fill("Buy paint");
  await form.getByLabel(/^Tags/).fill("home");
  await form.getByLabel(/^Tags/).press("Enter");
  await form.getByLabel(/^Tags/).fill("errands");
  await form.getByLabel(/^Tags/).press("Enter");
  await expect(form.getByRole("button", { name: "Remove tag home" })).toBeVisible();
  await form.getByRole("button", { name: "Add task" }).click();
  await expect(task(page, "Buy paint")).toContainText("#home");
  await expect(task(page, "Buy paint")).toContainText("#errands");

  form = await openDetails(page);
  await form.getByLabel("Title", { exact: true }).fill("Write report");
  await form.getByLabel(/^Tags/).fill("work");
  await form.getByLabel(/^Tags/).press("Enter");
  await form.getByRole("button", { name: "Add task" }).click();
  await expect(task(page, "Write report")).toContainText("#work");
  // The user's own tags are offered as suggestions.
  await expect(page.locator("datalist option[value=home]").first()).toBeAttached();

  await page.getByRole("button", { name: /^Filters/ }).click();
  const tags = page.getByRole("region", { name: "Tags" });
  await tags.getByRole("button", { name: /^#home\s*1$/ }).click();
  await expect(page).toHaveURL(/tag=home/);
  await expect(task(page, "Write report")).toHaveCount(0);
  await expect(task(page, "Buy paint")).toBeVisible();

  await tags.getByRole("button", { name: "Rename tag home" }).click();
  await tags.getByLabel("New name for #home").fill("house");
  await tags.getByRole("button", { name: "Save" }).click();
  await expect(task(page, "Buy paint")).toContainText("#house");
  await expect(page).toHaveURL(/tag=house/);

  await tags.getByRole("button", { name: "Delete tag errands" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete tag" }).click();
  await expect(task(page, "Buy paint")).not.toContainText("#errands");
});

test("completing a repeating task shows its next occurrence and says so", async ({ page }) => {
  await signUp(page, newUser("Repeat"));
  const form = await openDetails(page);
  await form.getByLabel("Title", { exact: true }).fill("Water the plants");
  await form.getByLabel("Repeat").selectOption("weekly");
  await form.getByRole("button", { name: "Add task" }).click();
  // A repeating task needs a due date: said at that field.
  const due = form.getByLabel("Due date");
  await expect(due).toHaveAttribute("aria-invalid", "true");
  await expect(due).toBeFocused();
  const today = new Date();
  await due.fill(isoDay(today));
  await form.getByRole("button", { name: "Add task" }).click();
  await expect(task(page, "Water the plants")).toContainText("Repeats every week");

  // click, not check(): once done, the task and its next occurrence share the title.
  await task(page, "Water the plants").getByRole("checkbox").click();
  await expect(page.getByRole("status")).toContainText("repeats: the next one is due");
  const next = new Date(today);
  next.setDate(next.getDate() + 7);
  const successor = page.getByRole("region", { name: /^Upcoming/ }).getByRole("listitem").filter({ hasText: "Water the plants" });
  await expect(successor).toBeVisible();
  await expect(successor.locator("time").first()).toHaveAttribute("datetime", isoDay(next));
});

test("a reminder that comes due fires a browser notification and an in-page notice", async ({ page, context, stack }) => {
  await context.grantPermissions(["notifications"], { origin: stack.frontendUrl });
  await page.addInitScript(() => {
    const shown: string[] = [];
    (window as unknown as { shownNotifications: string[] }).shownNotifications = shown;
    const Real = window.Notification;
    class Recording extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        shown.push(`${title}: ${options?.body ?? ""}`);
      }
    }
    window.Notification = Recording as typeof Notification;
  });
  await page.clock.install(); // the page's clock, moved on below instead of waiting
  await signUp(page, newUser("Remind"));
  const form = await openDetails(page);
  await form.getByLabel("Title", { exact: true }).fill("Call the bank");
  const soon = new Date(Date.now() + 70_000); // the next minute the field can hold
  const local = `${isoDay(soon)}T${pad(soon.getHours())}:${pad(soon.getMinutes())}`;
  await form.getByLabel(/^Reminder/).fill(local);
  await form.getByRole("button", { name: "Add task" }).click();
  await expect(task(page, "Call the bank")).toContainText("Reminder");

  await page.clock.fastForward("02:00");
  await expect(page.getByRole("status")).toContainText("Reminder: “Call the bank”");
  const shown = await page.evaluate(() => (window as unknown as { shownNotifications: string[] }).shownNotifications);
  expect(shown).toEqual(["Task reminder: Call the bank"]);
});
