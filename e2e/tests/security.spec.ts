// Where the token lives (memory only), what the session cookie allows, and markup in titles.
import { addTask, alerts, decodeJwt, expect, JWT_SHAPE, newUser, signUp, task, test, reloadTasks } from "./fixtures";

test("the JWT stays out of storage, script-readable cookies and URLs; the session cookie is httpOnly", async ({
  page,
  context,
  stack,
}) => {
  const tokens: string[] = [];
  const urls: string[] = [];
  page.on("request", (request) => urls.push(request.url()));
  page.on("response", async (response) => {
    if (new URL(response.url()).pathname === "/api/auth/token" && response.ok()) {
      tokens.push(((await response.json()) as { token: string }).token);
    }
  });

  await signUp(page, newUser("Eve"));
  await addTask(page, "Check where the token lives");
  await reloadTasks(page);
  await expect(task(page, "Check where the token lives")).toBeVisible();
  await expect.poll(() => tokens.length, { message: "the page fetched a token" }).toBeGreaterThan(0);

  const visible = await page.evaluate(() => ({
    local: JSON.stringify(Object.entries(localStorage)),
    session: JSON.stringify(Object.entries(sessionStorage)),
    cookie: document.cookie,
  }));
  for (const [where, text] of Object.entries(visible)) {
    expect(text, `${where} holds no JWT`).not.toMatch(JWT_SHAPE);
    for (const token of tokens) expect(text.includes(token), `${where} holds the token`).toBe(false);
  }
  for (const url of urls) {
    expect(url, "no token in a URL").not.toMatch(JWT_SHAPE);
  }

  const cookies = await context.cookies(stack.frontendUrl);
  const sessionCookie = cookies.find((cookie) => cookie.name.endsWith("session_token"));
  expect(sessionCookie, `a session cookie among ${cookies.map((c) => c.name).join(", ")}`).toBeTruthy();
  expect(sessionCookie!.httpOnly).toBe(true);
  expect(sessionCookie!.sameSite).not.toBe("None");
  for (const cookie of cookies) {
    if (JWT_SHAPE.test(cookie.value)) expect(cookie.httpOnly, `${cookie.name} holds a JWT`).toBe(true);
  }

  // The token is of the configured kind.
  const { header, payload } = decodeJwt(tokens[tokens.length - 1]);
  if (stack.mode === "jwks") {
    expect(header.alg).toBe("EdDSA");
    expect(header.kid).toBeTruthy();
  } else {
    expect(header.alg).toBe("HS256");
  }
  expect(payload.iss).toBe(stack.frontendUrl);
  expect(payload.aud).toBe(stack.frontendUrl);
});

test("markup typed into a title is shown as text and never runs", async ({ page }) => {
  const dialogs: string[] = [];
  page.on("dialog", async (dialog) => {
    dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  await signUp(page, newUser("Mallory"));

  const image = "<img src=x onerror=window.__xss=1>";
  const script = "<script>window.__xss=2</script>";
  const svg = '"><svg onload=alert(3)>';
  for (const title of [image, script, svg]) await addTask(page, title);

  const check = async () => {
    for (const title of [image, script, svg]) {
      await expect(task(page, title)).toContainText(title);
    }
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    await expect(page.locator('img[src="x"]')).toHaveCount(0);
    await expect(page.locator("main svg[onload], li svg[onload]")).toHaveCount(0);
    expect(dialogs).toEqual([]);
    await expect(alerts(page)).toHaveCount(0);
  };
  await check();
  await reloadTasks(page);
  await check();
});

test("the app opened at 127.0.0.1 instead of its configured origin cannot sign in", async ({ page, browser, stack }) => {
  const user = newUser("Origin");
  await signUp(page, user);

  const otherOrigin = stack.frontendUrl.replace("//localhost:", "//127.0.0.1:");
  const context = await browser.newContext();
  const other = await context.newPage();
  await other.goto(`${otherOrigin}/login`);
  await other.getByLabel("Email").fill(user.email);
  await other.getByLabel("Password").fill(user.password);
  await other.getByRole("button", { name: "Sign in" }).click();
  await expect(alerts(other)).toBeVisible();
  expect(new URL(other.url()).pathname).not.toBe("/tasks");
  const cookies = await context.cookies(otherOrigin);
  expect(cookies.filter((cookie) => cookie.name.endsWith("session_token"))).toEqual([]);
  await context.close();
});
