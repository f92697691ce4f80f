// Short-lived tokens: renewed without the user noticing, and reused while they are fresh.
import { addTask, alerts, decodeJwt, expect, newUser, signUp, task, test, reloadTasks } from "./fixtures";

test("a token that expires while the user works is renewed without an error or a redirect", async ({ page, stack }) => {
  test.skip(!stack.jwtExpiration, "this mode uses the default token lifetime");
  test.setTimeout(180_000);

  const issued: { token: string; at: number }[] = [];
  const sent: { token: string; at: number }[] = [];
  page.on("response", async (response) => {
    if (new URL(response.url()).pathname === "/api/auth/token" && response.ok()) {
      issued.push({ token: ((await response.json()) as { token: string }).token, at: Date.now() });
    }
  });
  page.on("request", (request) => {
    const auth = request.headers().authorization;
    if (new URL(request.url()).origin !== stack.frontendUrl && auth) sent.push({ token: auth.replace(/^Bearer /i, ""), at: Date.now() });
  });

  await signUp(page, newUser("Rene"));
  await addTask(page, "Before the token expires");
  await expect.poll(() => sent.length).toBeGreaterThan(0);
  const first = sent[sent.length - 1].token;
  const exp = decodeJwt(first).payload.exp as number;
  const lifetime = exp - (decodeJwt(first).payload.iat as number);
  expect(lifetime, "the harness configured short tokens").toBeLessThanOrEqual(60);

  // Wait until the token the page holds has expired, then keep working.
  const waitMs = exp * 1000 - Date.now() + 3_000;
  await page.waitForTimeout(Math.max(waitMs, 0));
  const resumedAt = Date.now();

  await addTask(page, "After the token expired");
  await task(page, "Before the token expires").getByRole("checkbox").check();
  await expect(task(page, "Before the token expires").getByRole("checkbox")).toBeChecked();
  await expect(alerts(page)).toHaveCount(0);
  await expect(page).toHaveURL(/\/tasks/);

  const renewed = issued.filter((entry) => entry.at >= resumedAt);
  expect(renewed.length, "a new token was fetched after the old one expired").toBeGreaterThan(0);
  const later = sent.filter((entry) => entry.at >= resumedAt);
  expect(later.length).toBeGreaterThan(0);
  for (const entry of later) {
    expect(entry.token, "no expired token sent after renewal").not.toBe(first);
    expect(decodeJwt(entry.token).payload.exp as number).toBeGreaterThan(resumedAt / 1000);
  }

  await reloadTasks(page);
  await expect(task(page, "After the token expired")).toBeVisible();
  await expect(task(page, "Before the token expires").getByRole("checkbox")).toBeChecked();
});

test("a fresh token is reused across calls instead of being fetched for each one", async ({ page, stack }) => {
  test.skip(!!stack.jwtExpiration, "tokens in this mode live only seconds");

  let fetched = 0;
  page.on("request", (request) => {
    if (new URL(request.url()).pathname === "/api/auth/token") fetched += 1;
  });
  await signUp(page, newUser("Reuse"));
  await addTask(page, "One");
  const afterFirst = fetched;
  await addTask(page, "Two");
  await addTask(page, "Three");
  await task(page, "Two").getByRole("checkbox").check();
  await expect(task(page, "Two").getByRole("checkbox")).toBeChecked();
  expect(fetched - afterFirst, "token fetches for four more API calls").toBe(0);
});
