// The compose project under test: its env file, podman-compose and podman commands, container
// logs. Everything goes through the CLI tools a person would use; nothing reaches into podman.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseEnv } from "node:util";

import { ROOT, WORK_DIR, freePort } from "../harness/stack";

export const LOG_DIR = path.join(WORK_DIR, "deploy-logs");
const STATE_FILE = path.join(WORK_DIR, "deploy.json");

/** Set by scripts/deploy-test.sh: the project name, its env file, and the images to run. */
export const PROJECT = required("DEPLOY_PROJECT");
export const ENV_FILE = required("DEPLOY_ENV_FILE");

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the deploy test with \`make deploy-test\``);
  return value;
}

export const REPLICAS = ["frontend-1", "frontend-2", "backend-1", "backend-2"] as const;
export type Replica = (typeof REPLICAS)[number];

export interface Deployment {
  /** The one public origin: nginx. */
  origin: string;
  /** 127.0.0.1:port of each replica, as nginx's access log names its upstreams. */
  upstreams: Record<Replica, string>;
}

/** The settings scripts/deploy-env.sh wrote into the env file (secrets and ports). */
export function settings(): Record<string, string | undefined> {
  return parseEnv(readFileSync(ENV_FILE, "utf8"));
}

export function deployment(): Deployment {
  return JSON.parse(readFileSync(STATE_FILE, "utf8")) as Deployment;
}

function run(command: string, args: string[], options: { check?: boolean; timeoutMs?: number } = {}) {
  const result = spawnSync(command, args, {
    cwd: ROOT,
    encoding: "utf8",
    timeout: options.timeoutMs ?? 300_000,
    env: process.env,
    // nginx's log after the load test passes Node's default of 1 MiB, past which the rest is cut off.
    maxBuffer: 256 * 1024 * 1024,
  });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === "ENOBUFS") {
    throw new Error(`${command} ${args.join(" ")} wrote more than the 256 MiB read of it`);
  }
  if ((options.check ?? true) && result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} exited with ${result.status}:\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

export function compose(args: string[], options: { check?: boolean; timeoutMs?: number } = {}) {
  return run("podman-compose", ["--in-pod", "false", "-p", PROJECT, "--env-file", ENV_FILE, ...args], options);
}

export function podman(args: string[], options: { check?: boolean; timeoutMs?: number } = {}) {
  return run("podman", args, options);
}

/** The container of a compose service (podman-compose names it project_service_1). */
export function container(service: string): string {
  const names = podman([
    "ps", "-a", "--format", "{{.Names}}",
    "--filter", `label=com.docker.compose.project=${PROJECT}`,
    "--filter", `label=com.docker.compose.service=${service}`,
  ]).stdout.trim().split("\n").filter(Boolean);
  if (names.length !== 1) throw new Error(`expected one container for ${service}, found ${JSON.stringify(names)}`);
  return names[0]!;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs the image's own HEALTHCHECK until it passes. Podman before 4.6 does not schedule health
 * checks without systemd, so the test runs them itself; compose's service_healthy is ignored there.
 */
export async function waitHealthy(service: string, timeoutMs = 120_000): Promise<void> {
  const name = container(service);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (podman(["healthcheck", "run", name], { check: false }).status === 0) return;
    await sleep(500);
  }
  throw new Error(`${service} did not become healthy within ${timeoutMs / 1000}s:\n${logsOf(service).slice(-3000)}`);
}

export function isRunning(service: string): boolean {
  return podman(["inspect", "--format", "{{.State.Running}}", container(service)]).stdout.trim() === "true";
}

export function startedAt(service: string): string {
  return podman(["inspect", "--format", "{{.State.StartedAt}}", container(service)]).stdout.trim();
}

export function exitCode(service: string): number {
  return Number(podman(["inspect", "--format", "{{.State.ExitCode}}", container(service)]).stdout.trim());
}

export function logsOf(service: string): string {
  const result = podman(["logs", container(service)], { check: false });
  return `${result.stdout}${result.stderr}`;
}

/** Picks free ports, writes the env file with the documented command, starts the project. */
export async function up(): Promise<Deployment> {
  const ports = {
    HTTP_PORT: await freePort(),
    FRONTEND_1_PORT: await freePort(),
    FRONTEND_2_PORT: await freePort(),
    BACKEND_1_PORT: await freePort(),
    BACKEND_2_PORT: await freePort(),
    POSTGRES_PORT: await freePort(),
  };
  const origin = `http://localhost:${ports.HTTP_PORT}`;
  const envResult = spawnSync(path.join(ROOT, "scripts", "deploy-env.sh"), [ENV_FILE], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
      PUBLIC_ORIGIN: origin, LISTEN_ADDRESS: "127.0.0.1" },
  });
  if (envResult.status !== 0) throw new Error(`scripts/deploy-env.sh failed: ${envResult.stderr}`);

  // In compose.yaml's dependency order, one stage at a time: podman 4.3 ignores service_healthy and
  // cannot start a container whose dependency chain includes an exited one (the migration jobs),
  // so each stage is started without its dependencies once the previous one is done.
  compose(["up", "-d", "--no-build", "--no-deps", "postgres"]);
  await waitHealthy("postgres");
  const jobs = ["backend-migrate", "frontend-migrate"];
  compose(["up", "-d", "--no-build", "--no-deps", ...jobs]);
  for (const job of jobs) {
    podman(["wait", container(job)], { timeoutMs: 300_000 });
    const code = exitCode(job);
    if (code !== 0) throw new Error(`${job} exited with ${code}:\n${logsOf(job)}`);
  }
  compose(["up", "-d", "--no-build", "--no-deps", "frontend-1", "frontend-2", "nginx", "backend-1", "backend-2"]);
  await Promise.all(REPLICAS.map((replica) => waitHealthy(replica)));

  const state: Deployment = {
    origin,
    upstreams: {
      "frontend-1": `127.0.0.1:${ports.FRONTEND_1_PORT}`,
      "frontend-2": `127.0.0.1:${ports.FRONTEND_2_PORT}`,
      "backend-1": `127.0.0.1:${ports.BACKEND_1_PORT}`,
      "backend-2": `127.0.0.1:${ports.BACKEND_2_PORT}`,
    },
  };
  mkdirSync(WORK_DIR, { recursive: true });
  writeFileSync(STATE_FILE, JSON.stringify(state, null, 2));
  return state;
}

/** Keeps every container's output for reading after the run, then removes the project and its volume. */
export function down(): void {
  mkdirSync(LOG_DIR, { recursive: true });
  const services = ["postgres", "backend-migrate", "frontend-migrate", ...REPLICAS, "nginx"];
  for (const service of services) {
    try {
      writeFileSync(path.join(LOG_DIR, `${service}.log`), logsOf(service));
    } catch {
      // never created
    }
  }
  compose(["down", "-v", "-t", "5"], { check: false });
}

/** nginx's access log lines (format `tasks` in deploy/nginx/tasks.conf.template). */
export interface Access {
  request: string;
  status: number;
  upstreams: string[];
}

export function accessLog(): Access[] {
  const pattern = /"(?<request>[^"]*)" (?<status>\d{3}) \d+ upstream=(?<upstream>\S+)/;
  return logsOf("nginx").split("\n").flatMap((line) => {
    const match = pattern.exec(line);
    if (!match?.groups) return [];
    // One address, or several when nginx moved on to the next replica ("a:1, b:2").
    const upstreams = match.groups.upstream!.match(/\d+\.\d+\.\d+\.\d+:\d+/g) ?? [];
    return [{ request: match.groups.request!, status: Number(match.groups.status), upstreams }];
  });
}
