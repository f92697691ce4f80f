// A user's whole journey: sign up, manage tasks, reload, sign out, sign in again.
import { addTask, alerts, deleteTask, editTask, expect, newUser, signIn, signOut, signUp, task, test, reloadTasks } from "./fixtures";

test("a new user manages tasks and finds them unchanged after a reload and a new sign-in", async ({ page }) => {
  const user = newUser("Ada");
  await signUp(page, user);

  await addTask(page, "Buy milk");
  await addTask(page, "Write report");
  await addTask(page, "Call the plumber");

  await editTask(page, "Write report", "Write the quarterly report");
  await expect(task(page, "Write report")).toHaveCount(0);

  await task(page, "Buy milk").getByRole("checkbox").check();
  await expect(task(page, "Buy milk").getByRole("checkbox")).toBeChecked();

  await deleteTask(page, "Call the plumber");

  const expectSavedState = async () => {
    await expect(task(page, "Buy milk").getByRole("checkbox")).toBeChecked();
    await expect(task(page, "Write the quarterly report").getByRole("checkbox")).not.toBeChecked();
    await expect(task(page, "Write report")).toHaveCount(0);
    await expect(task(page, "Call the plumber")).toHaveCount(0);
    await expect(alerts(page)).toHaveCount(0);
  };

  await reloadTasks(page);
  await expectSavedState();

  await signOut(page);
  await page.goto("/tasks");
  await page.waitForURL("**/login**");

  await signIn(page, user);
  await expectSavedState();

  // Reload once the server has the change: the page's HTML is what the server holds when it is asked.
  const saved = page.waitForResponse((r) => r.url().endsWith("/complete") && r.request().method() === "PATCH");
  await task(page, "Buy milk").getByRole("checkbox").uncheck();
  await saved;
  await reloadTasks(page);
  await expect(task(page, "Buy milk").getByRole("checkbox")).not.toBeChecked();
});

test("a wrong password is refused with an alert and no session", async ({ page }) => {
  const user = newUser("Bob");
  await signUp(page, user);
  await signOut(page);

  await page.goto("/login");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(`${user.password}-wrong`);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(alerts(page)).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
  // The password never ends up in the address bar.
  expect(page.url()).not.toContain(encodeURIComponent(user.password));

  await page.goto("/tasks");
  await page.waitForURL("**/login**");
});

test("signing up with an email that is taken shows an alert", async ({ page, browser, stack }) => {
  const user = newUser("Cy");
  await signUp(page, user);

  const other = await browser.newContext({ baseURL: stack.frontendUrl });
  const otherPage = await other.newPage();
  await otherPage.goto("/signup");
  await otherPage.getByLabel("Name").fill("Someone Else");
  await otherPage.getByLabel("Email").fill(user.email);
  await otherPage.getByLabel("Password").fill("another-long-password-1");
  await otherPage.getByRole("button", { name: "Create account" }).click();
  await expect(alerts(otherPage)).toBeVisible();
  await expect(otherPage).toHaveURL(/\/signup/);
  await other.close();
});
