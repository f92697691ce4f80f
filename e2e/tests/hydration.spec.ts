// Forms used before React hydrates: nothing is posted natively, and nothing typed is lost.
import type { Page } from "@playwright/test";
import { expect, newUser, signUp, task, tasksLoaded, test } from "./fixtures";

/** Holds the page's scripts back, as a slow network would, until `release` is called. */
async function holdScripts(page: Page): Promise<() => void> {
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route(
    (url) => url.pathname.startsWith("/_next/static/") && url.pathname.endsWith(".js"),
    async (route) => {
      await released;
      await route.continue();
    },
  );
  return release;
}

/** Records native form posts, which would reload the page and drop what was typed. */
function nativePosts(page: Page): string[] {
  const posts: string[] = [];
  page.on("request", (request) => {
    if (request.isNavigationRequest() && request.method() === "POST") posts.push(request.url());
  });
  return posts;
}

test("signing up before hydration waits for the page, then goes through with what was typed", async ({ page }) => {
  const user = newUser("Early");
  const posts = nativePosts(page);
  const release = await holdScripts(page);
  await page.goto("/signup", { waitUntil: "commit" });

  await page.getByLabel("Name").fill(user.name);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  const submit = page.getByRole("button", { name: "Create account" });
  await expect(submit).toBeDisabled();
  await page.getByLabel("Password").press("Enter");
  await page.waitForTimeout(500);
  expect(posts).toEqual([]);

  release();
  await expect(submit).toBeEnabled();
  await expect(page.getByLabel("Email")).toHaveValue(user.email);
  await submit.click();
  await page.waitForURL("**/tasks");
  await tasksLoaded(page);
  expect(posts).toEqual([]);
});

test("a task typed before hydration is kept and added once the page is ready", async ({ page }) => {
  await signUp(page, newUser("Eager"));
  const posts = nativePosts(page);
  const release = await holdScripts(page);
  await page.goto("/tasks", { waitUntil: "commit" });

  const title = page.getByLabel("Title", { exact: true });
  await title.fill("Typed before hydration");
  const submit = page.getByRole("button", { name: "Add task" });
  await expect(submit).toBeDisabled();
  await title.press("Enter");
  await page.waitForTimeout(500);
  expect(posts).toEqual([]);

  release();
  await expect(submit).toBeEnabled();
  await expect(title).toHaveValue("Typed before hydration");
  await submit.click();
  await expect(task(page, "Typed before hydration")).toBeVisible();
  expect(posts).toEqual([]);
});
