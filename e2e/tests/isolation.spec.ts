// Two users never see each other's tasks, in the UI or through the API with their own token.
import { addTask, decodeJwt, expect, newUser, signUp, task, test, tokenOf, reloadTasks } from "./fixtures";

test("the second user sees none of the first user's tasks, and their token is refused on the first user's URL", async ({
  page,
  browser,
  stack,
  request,
}) => {
  const first = newUser("First");
  await signUp(page, first);
  await addTask(page, "First user's private task");

  const secondContext = await browser.newContext({ baseURL: stack.frontendUrl });
  const secondPage = await secondContext.newPage();
  await signUp(secondPage, newUser("Second"));
  await expect(secondPage.getByRole("button", { name: "Add task" })).toBeVisible();
  await expect(task(secondPage, "First user's private task")).toHaveCount(0);
  await expect(secondPage.getByText("First user's private task")).toHaveCount(0);
  await addTask(secondPage, "Second user's task");

  await reloadTasks(page);
  await expect(task(page, "First user's private task")).toBeVisible();
  await expect(task(page, "Second user's task")).toHaveCount(0);

  const firstToken = await tokenOf(page.context(), stack.frontendUrl);
  const secondToken = await tokenOf(secondContext, stack.frontendUrl);
  const firstId = decodeJwt(firstToken).payload.sub as string;
  const secondId = decodeJwt(secondToken).payload.sub as string;
  expect(firstId).toBeTruthy();
  expect(secondId).not.toBe(firstId);

  const asFirst = { Authorization: `Bearer ${firstToken}` };
  const asSecond = { Authorization: `Bearer ${secondToken}` };

  // The first user's own view through the API, for the task id.
  const own = await request.get(`${stack.backendUrl}/api/${firstId}/tasks`, { headers: asFirst });
  expect(own.status()).toBe(200);
  const ownBody = (await own.json()) as { items: { id: number; title: string }[]; total: number };
  const privateTask = ownBody.items.find((item) => item.title === "First user's private task");
  expect(privateTask).toBeTruthy();

  // The second user's token on the first user's URL: 403, whatever the method.
  const forbidden = await request.get(`${stack.backendUrl}/api/${firstId}/tasks`, { headers: asSecond });
  expect(forbidden.status()).toBe(403);
  expect(await forbidden.text()).not.toContain("private task");
  const forbiddenOne = await request.get(`${stack.backendUrl}/api/${firstId}/tasks/${privateTask!.id}`, { headers: asSecond });
  expect(forbiddenOne.status()).toBe(403);
  const forbiddenCreate = await request.post(`${stack.backendUrl}/api/${firstId}/tasks`, {
    headers: asSecond,
    data: { title: "planted" },
  });
  expect(forbiddenCreate.status()).toBe(403);

  // Through the second user's own URL, the first user's task id does not exist.
  for (const [method, url] of [
    ["GET", `/api/${secondId}/tasks/${privateTask!.id}`],
    ["PUT", `/api/${secondId}/tasks/${privateTask!.id}`],
    ["PATCH", `/api/${secondId}/tasks/${privateTask!.id}/complete`],
    ["DELETE", `/api/${secondId}/tasks/${privateTask!.id}`],
  ] as const) {
    const response = await request.fetch(`${stack.backendUrl}${url}`, {
      method,
      headers: asSecond,
      ...(method === "PUT" ? { data: { title: "hijacked" } } : {}),
    });
    expect(response.status(), `${method} ${url}`).toBe(404);
  }
  const secondList = await request.get(`${stack.backendUrl}/api/${secondId}/tasks`, { headers: asSecond });
  expect(secondList.status()).toBe(200);
  const secondTitles = ((await secondList.json()) as { items: { title: string }[] }).items.map((i) => i.title);
  expect(secondTitles).toEqual(["Second user's task"]);

  // Nothing the second user tried changed the first user's task.
  await reloadTasks(page);
  await expect(task(page, "First user's private task").getByRole("checkbox")).not.toBeChecked();
  await expect(task(page, "hijacked")).toHaveCount(0);

  // No token at all: 401 with the bearer challenge.
  const anonymous = await request.get(`${stack.backendUrl}/api/${firstId}/tasks`);
  expect(anonymous.status()).toBe(401);
  expect(anonymous.headers()["www-authenticate"] ?? "").toMatch(/^Bearer/i);

  await secondContext.close();
});
