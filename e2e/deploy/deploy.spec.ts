// compose.yaml's project, checked through the load balancer only: a person in a real browser, the
// task API, the sign-in limit across frontends, a sign-out reaching both backends, and faults under
// load (a backend replica killed, a frontend replica killed, PostgreSQL restarted) with every
// acknowledged write kept. The tests run in order in one worker; the project is started by
// global-setup.ts.
import { request, test as base, expect, type APIRequestContext } from "@playwright/test";

import { addTask, decodeJwt, deleteTask, editTask, newUser, signUp, task, tokenOf, type User } from "../tests/fixtures";
import { accessLog, container, deployment, isRunning, logsOf, podman, settings, sleep, startedAt, waitHealthy, type Deployment, type Replica } from "./compose";

// Read once the project is up (global-setup.ts), not when Playwright lists the tests.
let origin = "";
let upstreams = {} as Deployment["upstreams"];
const test = base.extend({ baseURL: async ({}, use) => use(deployment().origin) });
test.beforeAll(() => ({ origin, upstreams } = deployment()));
test.describe.configure({ mode: "serial" });

/** An API client with its own cookie jar, as a browser would be, signed up through nginx. */
interface ApiUser {
  user: User;
  id: string;
  token: string;
  context: APIRequestContext;
}

async function apiSignUp(label: string): Promise<ApiUser> {
  const user = newUser(label);
  const context = await request.newContext({ baseURL: origin, extraHTTPHeaders: { origin } });
  const response = await context.post("/api/auth/sign-up/email", { data: user });
  expect(response.status(), await response.text()).toBe(200);
  const { user: created } = (await response.json()) as { user: { id: string } };
  return { user, id: created.id, token: await tokenOf(context, origin), context };
}

/** Which replicas served the nginx log lines whose request line matches. */
function servedBy(pattern: RegExp, status?: number): Set<Replica> {
  const byAddress = new Map(Object.entries(upstreams).map(([replica, address]) => [address, replica as Replica]));
  const replicas = new Set<Replica>();
  for (const access of accessLog()) {
    if (!pattern.test(access.request) || (status !== undefined && access.status !== status)) continue;
    const last = access.upstreams.at(-1);
    if (last && byAddress.has(last)) replicas.add(byAddress.get(last)!);
  }
  return replicas;
}

const api = (user: ApiUser, path = "") => `${origin}/api/${user.id}/tasks${path}`;
const bearer = (token: string) => ({ authorization: `Bearer ${token}`, "content-type": "application/json" });

const users: ApiUser[] = [];
test.afterAll(async () => {
  for (const user of users) await user.context.dispose();
});

test("a person signs up in the browser and manages tasks, through nginx", async ({ page }) => {
  await signUp(page, newUser("Browser"));
  await addTask(page, "Water the plants");
  await editTask(page, "Water the plants", "Water the plants and the lawn");
  const checkbox = task(page, "Water the plants and the lawn").getByRole("checkbox");
  // The reload renders the list on the server: it must come after the change has been saved.
  const saved = page.waitForResponse((r) => r.url().endsWith("/complete") && r.request().method() === "PATCH");
  await checkbox.check();
  await expect(checkbox).toBeChecked();
  expect((await saved).status()).toBe(200);
  await page.reload();
  await expect(task(page, "Water the plants and the lawn").getByRole("checkbox")).toBeChecked();
  await deleteTask(page, "Water the plants and the lawn");

  expect(servedBy(/^GET \/tasks /)).not.toEqual(new Set());
  expect([...servedBy(/ \/api\/auth\//)].every((replica) => replica.startsWith("frontend"))).toBe(true);
  expect([...servedBy(/ \/api\/(?!auth\/)/)].every((replica) => replica.startsWith("backend"))).toBe(true);
});

test("the app images run unprivileged and hold neither the build's CA bundle nor a secret", () => {
  const { BETTER_AUTH_SECRET, POSTGRES_PASSWORD } = settings();
  const secrets = [BETTER_AUTH_SECRET, POSTGRES_PASSWORD].filter((value): value is string => Boolean(value));
  expect(secrets).toHaveLength(2);
  const images = ["BACKEND_IMAGE", "FRONTEND_IMAGE", "FRONTEND_MIGRATE_IMAGE"].map((name) => process.env[name]!);
  for (const image of images) {
    const user = podman(["image", "inspect", "--format", "{{.Config.User}}", image]).stdout.trim();
    expect(user, `${image} runs as`).not.toMatch(/^(|root|0)(:.*)?$/);
    const metadata = podman(["image", "inspect", image]).stdout + podman(["history", "--no-trunc", image]).stdout;
    for (const secret of secrets) expect(metadata.includes(secret), `${image}'s metadata holds a secret`).toBe(false);
    // The build mounts the machine's CA bundle at /host-ca.crt (an empty mount point may stay
    // behind, never the bundle); no env file is copied in.
    const files = podman(["run", "--rm", "--network", "host", "--entrypoint", "/bin/sh", image, "-c",
      "if [ -s /host-ca.crt ]; then echo /host-ca.crt; fi; find /app -maxdepth 3 -name '.env*' ! -name '.env.example'"]).stdout.trim();
    expect(files, `${image} holds`).toBe("");
  }
});

test("nginx serves the build's assets itself, precompressed and cached for a year", async () => {
  const html = await (await fetch(`${origin}/login`)).text();
  const scripts = [...new Set(html.match(/\/_next\/static\/[^"]+\.js/g) ?? [])];
  expect(scripts.length).toBeGreaterThan(0);
  for (const script of scripts) {
    const [brotli, gzip] = await Promise.all(
      ["br", "gzip"].map((encoding) => fetch(`${origin}${script}`, { headers: { "accept-encoding": encoding } })),
    );
    for (const [response, encoding] of [[brotli, "br"], [gzip, "gzip"]] as const) {
      expect(response.status, script).toBe(200);
      expect(response.headers.get("content-encoding"), script).toBe(encoding);
      expect(response.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    }
    // Both copies decode to the same script (fetch decodes them).
    expect(await brotli.text()).toBe(await gzip.text());
  }
  await sleep(500); // nginx writes its access log line after the response
  const assets = accessLog().filter((access) => /^GET \/_next\/static\//.test(access.request));
  expect(assets.length).toBeGreaterThanOrEqual(2 * scripts.length);
  expect(assets.filter((access) => access.upstreams.length > 0)).toEqual([]); // no replica was asked
});

test("the task API: create, read, update, complete, delete, on both backends", async () => {
  const user = await apiSignUp("Api");
  users.push(user);
  const headers = bearer(user.token);

  const created = await fetch(api(user), { method: "POST", headers, body: JSON.stringify({ title: "Write the report" }) });
  expect(created.status).toBe(201);
  const { id } = (await created.json()) as { id: number };
  const updated = await fetch(api(user, `/${id}`), { method: "PUT", headers, body: JSON.stringify({ title: "Send the report" }) });
  expect(updated.status).toBe(200);
  const completed = await fetch(api(user, `/${id}/complete`), { method: "PATCH", headers });
  expect(await completed.json()).toMatchObject({ id, title: "Send the report", completed: true });
  for (let i = 0; i < 6; i++) {
    const read = await fetch(api(user, `/${id}`), { headers });
    expect(await read.json()).toMatchObject({ id, title: "Send the report", completed: true });
  }
  expect((await fetch(api(user, `/${id}`), { method: "DELETE", headers })).status).toBe(204);
  expect((await fetch(api(user, `/${id}`), { headers })).status).toBe(404);

  const tasksPath = new RegExp(` /api/${user.id}/tasks`);
  expect(servedBy(tasksPath)).toEqual(new Set(["backend-1", "backend-2"]));
});

test("a sign-out is refused by both backends", async () => {
  const user = await apiSignUp("Signout");
  users.push(user);
  expect(decodeJwt(user.token).payload.sid, "the token names its session").toEqual(expect.any(String));
  const headers = bearer(user.token);
  for (let i = 0; i < 4; i++) expect((await fetch(api(user), { headers })).status).toBe(200);

  expect((await user.context.post("/api/auth/sign-out", { data: {} })).status()).toBe(200);
  // DESIGN section 9: every backend refuses the session's tokens within 5 seconds.
  await sleep(5_000);
  for (let i = 0; i < 6; i++) {
    const refused = await fetch(api(user), { headers });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ reason: "revoked" });
  }
  expect(servedBy(new RegExp(`^GET /api/${user.id}/tasks `), 401)).toEqual(new Set(["backend-1", "backend-2"]));
});

type Side = "task API" | "frontend";

/** Everything the load saw: each answer by phase, side and status, and the writes it was told succeeded. */
class Load {
  phase = "steady";
  private running = true;
  /** "phase|side" → status → count; status 0 is no answer at all (nginx itself is never stopped). */
  readonly answers = new Map<string, Map<number, number>>();
  readonly created = new Map<number, { user: ApiUser; title: string }>();
  readonly deleted = new Set<number>();
  private readonly workers: Promise<void>[] = [];
  private readonly sides: Side[] = [];

  constructor(private readonly loadUsers: ApiUser[]) {}

  private record(side: Side, status: number): void {
    const key = `${this.phase}|${side}`;
    const byStatus = this.answers.get(key) ?? new Map<number, number>();
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    this.answers.set(key, byStatus);
  }

  private async call(side: Side, url: string, init: RequestInit): Promise<Response | null> {
    let status = 0;
    try {
      const response = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
      status = response.status;
      return response;
    } catch {
      return null;
    } finally {
      this.record(side, status);
      // A client backs off when refused (the backend's 503 says Retry-After), rather than spinning.
      if (status >= 500 || status === 0) await sleep(200);
    }
  }

  /** How many workers load a side: at most that many of its requests are in flight at once. */
  workersOf(side: Side): number {
    return this.sides.filter((s) => s === side).length;
  }

  start(): void {
    let n = 0;
    for (const user of this.loadUsers) {
      for (let w = 0; w < 3; w++) {
        this.sides.push("task API");
        this.workers.push((async () => {
          while (this.running) {
            const title = `load ${w} ${++n}`;
            const response = await this.call("task API", api(user), { method: "POST", headers: bearer(user.token), body: JSON.stringify({ title }) });
            if (response?.status === 201) {
              const { id } = (await response.json()) as { id: number };
              this.created.set(id, { user, title });
              if (id % 3 === 0) {
                const removed = await this.call("task API", api(user, `/${id}`), { method: "DELETE", headers: bearer(user.token) });
                if (removed?.status === 204) this.deleted.add(id);
              }
            }
            await this.call("task API", api(user, "?limit=5"), { headers: bearer(user.token) });
          }
        })());
      }
    }
    // The frontends' share: pages and Better Auth's session endpoint, at a pace under its default limit.
    const cookieJar = this.loadUsers[0]!.context;
    this.sides.push("frontend");
    this.workers.push((async () => {
      while (this.running) {
        const cookies = (await cookieJar.storageState()).cookies.map((c) => `${c.name}=${c.value}`).join("; ");
        await this.call("frontend", `${origin}/login`, {});
        await this.call("frontend", `${origin}/api/auth/get-session`, { headers: { cookie: cookies } });
        await this.call("frontend", `${origin}/api/auth/token`, { headers: { cookie: cookies } });
        await sleep(250);
      }
    })());
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
  }
}

/** Kills a replica with SIGKILL and waits until it serves again (its restart policy, or a start). */
async function killReplica(replica: Replica): Promise<void> {
  const before = startedAt(replica);
  podman(["kill", container(replica)]);
  await sleep(4_000);
  if (!isRunning(replica)) podman(["start", container(replica)]);
  await waitHealthy(replica);
  expect(startedAt(replica), `${replica} was killed and started again`).not.toBe(before);
}

test("faults under load: no acknowledged write lost, no 5xx but the 502/503 of a dying replica", async () => {
  const loadUsers = [users[0]!, await apiSignUp("Load")];
  users.push(loadUsers[1]!);
  const load = new Load(loadUsers);
  const faults = {
    "backend-1 killed": () => killReplica("backend-1"),
    "frontend-1 killed": () => killReplica("frontend-1"),
    // Down for a few seconds, not just the second a restart takes.
    "postgres restarted": async () => {
      const before = startedAt("postgres");
      podman(["stop", "-t", "10", container("postgres")]);
      await sleep(3_000);
      podman(["start", container("postgres")]);
      await waitHealthy("postgres");
      expect(startedAt("postgres")).not.toBe(before);
      await sleep(3_000);
    },
  };
  load.start();
  await sleep(3_000);
  for (const [phase, fault] of Object.entries(faults)) {
    load.phase = phase;
    await fault();
    load.phase = "steady";
    await sleep(3_000);
  }
  await load.stop();

  // What each fault may cost, besides answers that succeeded: a request in flight when a replica
  // is killed gets nginx's 502 (the next ones go to the other replica), so no more 502s than
  // there are workers on that side; while PostgreSQL is down both sides answer 503 with Retry-After.
  const tolerated: Record<string, number[]> = {
    "backend-1 killed|task API": [502],
    "frontend-1 killed|frontend": [502],
    "postgres restarted|task API": [503],
    "postgres restarted|frontend": [503],
  };
  const inFlight: Record<Side, number> = { "task API": load.workersOf("task API"), frontend: load.workersOf("frontend") };
  const succeeded = [200, 201, 204];
  console.log("[deploy] answers under load, by phase, side and status (0: no answer):");
  const unexpected: string[] = [];
  for (const [key, byStatus] of load.answers) {
    const counts = [...byStatus].sort(([a], [b]) => a - b).map(([status, count]) => `${status}×${count}`);
    console.log(`  ${key.replace("|", " / ").padEnd(34)} ${counts.join("  ")}`);
    for (const [status, count] of byStatus) {
      if (!succeeded.includes(status) && !(tolerated[key] ?? []).includes(status)) unexpected.push(`${count}×${status} (${key})`);
      const side = key.split("|")[1] as Side;
      if (status === 502 && count > inFlight[side]) unexpected.push(`${count}×502 (${key}): more than the ${inFlight[side]} requests in flight`);
    }
    if (!succeeded.some((status) => byStatus.has(status))) unexpected.push(`no success at all (${key})`);
  }
  const failures = [...load.answers].flatMap(([key, byStatus]) =>
    [...byStatus].filter(([status]) => status >= 500 || status === 0).map(([status, count]) => `${count}×${status} (${key.replace("|", " / ")})`));
  console.log(`  5xx: ${failures.join(", ") || "none"}`);
  expect(unexpected, "answers other than success and what a fault may cost").toEqual([]);

  // Every acknowledged create is there with its title, every acknowledged delete is gone.
  const kept = [...load.created].filter(([id]) => !load.deleted.has(id));
  expect(kept.length).toBeGreaterThan(50);
  for (const user of loadUsers) {
    const found = new Map<number, string>();
    for (let offset = 0; ; offset += 100) {
      const page = (await (await fetch(api(user, `?limit=100&offset=${offset}`), { headers: bearer(user.token) })).json()) as {
        items: { id: number; title: string }[];
        total: number;
      };
      for (const item of page.items) found.set(item.id, item.title);
      if (offset + 100 >= page.total) break;
    }
    for (const [id, { user: owner, title }] of kept) {
      if (owner === user) expect(found.get(id), `acknowledged task ${id}`).toBe(title);
    }
    for (const id of load.deleted) expect(found.has(id), `acknowledged delete of ${id}`).toBe(false);
  }
  // And in PostgreSQL itself, not only as the API reads it back.
  const { POSTGRES_PASSWORD, POSTGRES_PORT } = settings();
  const owners = loadUsers.map((user) => `'${user.id.replace(/'/g, "''")}'`).join(", ");
  const rows = podman([
    "exec", "-e", `PGPASSWORD=${POSTGRES_PASSWORD}`, container("postgres"),
    "psql", "-h", "127.0.0.1", "-p", POSTGRES_PORT!, "-U", "tasks", "-d", "tasks", "-At", "-F", "\t",
    "-c", `SELECT id, title FROM tasks WHERE user_id IN (${owners})`,
  ]).stdout.trim().split("\n").filter(Boolean);
  const stored = new Map(rows.map((row) => [Number(row.split("\t")[0]), row.split("\t").slice(1).join("\t")]));
  for (const [id, { title }] of kept) expect(stored.get(id), `task ${id} in PostgreSQL`).toBe(title);
  for (const id of load.deleted) expect(stored.has(id), `deleted task ${id} in PostgreSQL`).toBe(false);
  // PostgreSQL ending the pools' idle connections is handled, not an uncaught exception.
  for (const replica of ["frontend-1", "frontend-2"]) expect(logsOf(replica)).not.toContain("uncaughtException");
  console.log(`[deploy] ${load.created.size} creates and ${load.deleted.size} deletes acknowledged; all found as acknowledged`);
});

test("the sign-in limit holds when attempts alternate between frontends", async () => {
  const context = await request.newContext({ baseURL: origin, extraHTTPHeaders: { origin } });
  const email = newUser("Limited").email;
  const statuses: number[] = [];
  for (let i = 0; i < 6; i++) {
    // A forwarding header of its own per attempt: nginx replaces it, so it buys no fresh bucket.
    const response = await context.post("/api/auth/sign-in/email", {
      data: { email, password: "not the password" },
      headers: { "x-forwarded-for": `198.51.100.${i + 1}` },
    });
    statuses.push(response.status());
  }
  await context.dispose();
  expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  expect(servedBy(/^POST \/api\/auth\/sign-in\/email /, 401)).toEqual(new Set(["frontend-1", "frontend-2"]));
});
