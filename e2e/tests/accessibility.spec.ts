// axe-core on every page and every dialog, in the light and the dark theme: no violations.
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";

import { addTask, expect, newUser, signUp, task, test } from "./fixtures";

async function expectNoViolations(page: Page, what: string) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const summary = violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
  expect(summary, `${what}: axe violations`).toEqual([]);
}

for (const colorScheme of ["light", "dark"] as const) {
  test(`every page and dialog passes axe (${colorScheme})`, async ({ page }, testInfo) => {
    // The pages are the same in both auth modes: one mode keeps the suite within its time budget.
    test.skip(testInfo.project.name !== "jwks", "pages do not differ between auth modes");
    await page.emulateMedia({ colorScheme });
    for (const path of ["/login", "/signup", "/forgot-password", "/no-such-page"]) {
      await page.goto(path);
      await expectNoViolations(page, path);
    }

    await signUp(page, newUser("Axe"));
    await expectNoViolations(page, "/tasks, empty");
    await addTask(page, "Look at me");
    await addTask(page, "And me");
    await task(page, "And me").getByRole("checkbox").check();
    await page.getByRole("button", { name: "Details" }).click();
    await page.getByRole("button", { name: /^Filters/ }).click();
    await expectNoViolations(page, "/tasks with tasks, details and filters open");

    await task(page, "Look at me").getByRole("button", { name: "Edit" }).click();
    await expectNoViolations(page, "/tasks, editor open");
    await page.getByLabel("Task name").fill("Changed");
    await page.keyboard.press("Escape");
    await expect(page.getByRole("dialog")).toBeVisible();
    await expectNoViolations(page, "discard dialog");
    await page.getByRole("button", { name: "Discard changes" }).click();

    await task(page, "Look at me").getByRole("button", { name: "Delete" }).click();
    await expect(page.getByRole("dialog")).toBeVisible();
    await expectNoViolations(page, "delete dialog");
    await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();

    await page.getByRole("button", { name: /^Keyboard shortcuts/ }).click();
    await expect(page.getByRole("dialog", { name: "Keyboard shortcuts" })).toBeVisible();
    await expectNoViolations(page, "shortcuts dialog");
    await page.keyboard.press("Escape");

    await page.goto("/account");
    await expect(page.getByRole("list", { name: "Active sessions" }).getByRole("listitem").first()).toBeVisible();
    await expectNoViolations(page, "/account, sessions listed");
    await page.getByRole("button", { name: "Delete account" }).click();
    await expect(page.getByRole("dialog")).toBeVisible();
    await expectNoViolations(page, "delete account dialog");
    await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();

    await page.goto("/reset-password?token=abc");
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expectNoViolations(page, "/reset-password");
  });
}
