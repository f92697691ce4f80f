// @vitest-environment happy-dom
// The tasks page's rows and writes as a person meets them, rendered the way the page renders them:
// from the cached task list, against a fake backend.
import { createRoot, type Root } from "react-dom/client";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { EditorProvider } from "@/components/editor-context";
import { Providers } from "@/components/providers";
import { QuickAdd } from "@/components/quick-add";
import { TaskItem } from "@/components/task-item";
import { ToastRegion } from "@/components/toasts";
import { tokenCache } from "@/lib/client/backend";
import { useTaskList } from "@/lib/client/use-tasks";
import { DEFAULT_VIEW_STATE, listQuery } from "@/lib/task-view";

// Before the imports run: Better Auth's client keeps the `fetch` it finds when it is created.
const network = vi.hoisted(() => {
  const handler: { current: typeof fetch } = { current: () => Promise.reject(new Error("no network")) };
  globalThis.fetch = (input, init) => handler.current(input, init);
  return handler;
});

const API = "http://localhost:8000";
const USER = "user-1";
const TASK = {
  id: 7,
  user_id: USER,
  title: "Buy milk",
  description: null,
  completed: false,
  priority: "medium" as const,
  due_date: null,
  tags: [],
  remind_at: null,
  recurrence: null,
  created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z",
};

function fakeJwt(): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const iat = Math.floor(Date.now() / 1000);
  return `${part({ alg: "EdDSA", kid: "k" })}.${part({ sub: USER, iat, exp: iat + 900 })}.sig`;
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

/** Plays Better Auth's token endpoint and the backend: `backend(method, path, request)` answers the
 * backend's routes; anything it leaves unanswered is a 404. */
function serve(backend: (method: string, path: string, request: Request) => Promise<Response | undefined>) {
  network.current = async (input: Request | string | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const { pathname } = new URL(request.url);
    if (pathname === "/api/auth/token") return json({ token: fakeJwt() });
    return (await backend(request.method, pathname, request)) ?? json({ detail: "Not found" }, 404);
  };
}

/** The backend and Better Auth's token endpoint; the toggle is held until `answerToggle()`. */
function fakeNetwork(toggleAnswer: () => Response) {
  let completed = TASK.completed;
  let listReads = 0;
  let arrived: () => void = () => undefined;
  const toggleArrived = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  let answer: () => void = () => undefined;
  const toggleAnswered = new Promise<void>((resolve) => {
    answer = resolve;
  });
  serve(async (method, path) => {
    if (method === "GET" && path === `/api/${USER}/tasks`) {
      listReads += 1;
      return json({ items: [{ ...TASK, completed }], total: 1 });
    }
    if (method === "PATCH" && path === `/api/${USER}/tasks/${TASK.id}/complete`) {
      arrived();
      await toggleAnswered;
      const response = toggleAnswer();
      if (response.ok) completed = !completed;
      return response;
    }
    return undefined;
  });
  return { toggleArrived, answerToggle: () => answer(), listReads: () => listReads };
}

function TaskRows() {
  const list = useTaskList(USER, listQuery(DEFAULT_VIEW_STATE, "pending"));
  const tasks = list.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <ul>
      {tasks.map((task) => (
        <TaskItem key={task.id} task={task} userId={USER} today="2026-01-01" />
      ))}
    </ul>
  );
}

let container: HTMLElement;
let root: Root;

function mount() {
  root.render(
    <Providers apiUrl={API}>
      <EditorProvider>
        <ToastRegion />
        <QuickAdd userId={USER} defaultDue={null} />
        <TaskRows />
      </EditorProvider>
    </Providers>,
  );
}

beforeEach(() => {
  container = document.createElement("div");
  document.body.append(container);
  root = createRoot(container);
});

afterEach(() => {
  root.unmount();
  container.remove();
  tokenCache.clear();
});

const checkbox = () =>
  vi.waitFor(() => {
    const box = container.querySelector<HTMLInputElement>("input[type=checkbox]");
    if (!box) throw new Error("no task row yet");
    return box;
  });
const alertText = () => document.querySelector('[role="alert"]')?.textContent ?? "";

describe("the complete toggle", () => {
  it("flips the box in the click itself and keeps it once the server agrees", async () => {
    const backend = fakeNetwork(() => json({ ...TASK, completed: true }));
    mount();
    const box = await checkbox();
    expect(box.checked).toBe(false);

    box.click();
    expect(box.checked).toBe(true); // no tick later: a test (or a person) clicking twice sees it

    await backend.toggleArrived;
    backend.answerToggle();
    await vi.waitFor(() => expect(backend.listReads()).toBe(2)); // the list is read again once settled
    await new Promise((settle) => setTimeout(settle, 20));
    expect((await checkbox()).checked).toBe(true);
    expect(alertText()).toBe("");
  });

  it("puts the box back and says so when the server refuses", async () => {
    const backend = fakeNetwork(() => json({ detail: "The database is unavailable; try again shortly" }, 503));
    mount();
    const box = await checkbox();

    box.click();
    expect(box.checked).toBe(true);

    await backend.toggleArrived;
    backend.answerToggle();
    await vi.waitFor(() => expect(alertText()).toContain("“Buy milk” is back as it was."), { timeout: 5000 });
    expect((await checkbox()).checked).toBe(false);
  });
});

describe("adding a task", () => {
  it("shows the new task even when the list's first read was still on its way (it started before the write)", async () => {
    const stored: (typeof TASK)[] = [];
    let reads = 0;
    let releaseFirstRead: () => void = () => undefined;
    const firstReadHeld = new Promise<void>((resolve) => (releaseFirstRead = resolve));
    serve(async (method, path, request) => {
      if (method === "GET" && path === `/api/${USER}/tasks`) {
        reads += 1;
        const snapshot = [...stored]; // what the database held when the read began
        if (reads === 1) await firstReadHeld;
        return json({ items: snapshot, total: snapshot.length });
      }
      if (method === "POST" && path === `/api/${USER}/tasks`) {
        const body = (await request.json()) as { title: string };
        const created = { ...TASK, id: 8, title: body.title };
        stored.unshift(created);
        return json(created, 201);
      }
      return undefined;
    });
    mount();
    await vi.waitFor(() => expect(reads).toBe(1));

    const title = container.querySelector<HTMLInputElement>("input[name=title]")!;
    title.value = "Typed early";
    container.querySelector("form")!.requestSubmit();
    await vi.waitFor(() => expect(stored).toHaveLength(1));
    await new Promise((settle) => setTimeout(settle, 20));
    releaseFirstRead();

    await vi.waitFor(() => expect(container.querySelector("li")?.textContent).toContain("Typed early"));
    expect(reads).toBeGreaterThanOrEqual(2);
  });

  it("keeps a next title typed while the first was being saved, but not the first task's details", async () => {
    const sent: { title: string; description: string | null; priority: string }[] = [];
    let releaseCreate: () => void = () => undefined;
    const createHeld = new Promise<void>((resolve) => (releaseCreate = resolve));
    serve(async (method, path, request) => {
      if (method === "GET" && path === `/api/${USER}/tasks`) return json({ items: [], total: 0 });
      if (method === "POST" && path === `/api/${USER}/tasks`) {
        const body = (await request.json()) as (typeof sent)[number];
        sent.push(body);
        await createHeld;
        return json({ ...TASK, id: 8, ...body }, 201);
      }
      return undefined;
    });
    mount();
    const form = await vi.waitFor(() => {
      const found = container.querySelector("form");
      if (!found) throw new Error("no form yet");
      return found;
    });
    const title = form.querySelector<HTMLInputElement>("input[name=title]")!;
    const description = () => form.querySelector<HTMLTextAreaElement>("textarea[name=description]")!;
    const priority = () => form.querySelector<HTMLSelectElement>("select[name=priority]")!;
    await vi.waitFor(() => expect(form.querySelector<HTMLButtonElement>("button[type=submit]")!.disabled).toBe(false));

    title.value = "Call the plumber";
    description().value = "About the kitchen tap";
    priority().value = "high";
    form.requestSubmit();
    await vi.waitFor(() => expect(sent).toHaveLength(1));
    title.value = "Pay the rent"; // typed while the first task is on its way
    releaseCreate();

    await vi.waitFor(() => expect(document.body.textContent).toContain("Added “Call the plumber”."));
    expect(sent[0]).toMatchObject({ title: "Call the plumber", description: "About the kitchen tap", priority: "high" });
    expect(title.value).toBe("Pay the rent");
    await vi.waitFor(() => expect(description().value).toBe(""));
    expect(priority().value).toBe("medium");
  });
});
