// Starts the real servers the browser tests run against: a throwaway PostgreSQL, the FastAPI
// backend and a production build of the Next.js frontend, one set per auth mode, on free ports.
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { startMailServer, stopMailServers } from "./mail";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const E2E_DIR = path.join(ROOT, "e2e");
export const WORK_DIR = path.join(E2E_DIR, ".tmp");
export const LOG_DIR = path.join(WORK_DIR, "logs");
export const STATE_FILE = path.join(WORK_DIR, "stacks.json");
const BACKEND_DIR = path.join(ROOT, "backend");
const FRONTEND_DIR = path.join(ROOT, "frontend");
const PG_SCRIPT = path.join(ROOT, "scripts", "throwaway-postgres.sh");

export type AuthMode = "jwks" | "shared-secret";
export const ALL_MODES: AuthMode[] = ["jwks", "shared-secret"];

/** The modes to test: all, or those named in E2E_MODES (comma-separated), e.g. to debug one. */
export function selectedModes(): AuthMode[] {
  const wanted = (process.env.E2E_MODES ?? "").split(",").map((m) => m.trim()).filter(Boolean);
  return wanted.length ? ALL_MODES.filter((mode) => wanted.includes(mode)) : ALL_MODES;
}

/** What one mode's servers are configured with. */
export interface ModeConfig {
  mode: AuthMode;
  /** PostgreSQL behind both sides (as in production), or a SQLite file each. */
  database: "postgres" | "sqlite";
  /** Lifetime of the JWTs the frontend signs; short to make renewal observable. */
  jwtExpiration?: string;
  /** compose.yaml's load balancer in front (`startEdge`, for Lighthouse), with the TLS and HTTP/2 of a production
   * edge: `frontendUrl` is then its https:// origin, whose certificate is a throwaway self-signed one. */
  edge?: boolean;
}

/** What the tests need to know about one running stack. */
export interface Stack {
  mode: AuthMode;
  database: "postgres" | "sqlite";
  jwtExpiration: string | null;
  frontendUrl: string;
  backendUrl: string;
  /** Every backend process of the stack (the first is `backendUrl`, the one the page talks to). */
  backendUrls: string[];
  /** The backend's DATABASE_URL, for tests that look at its rows. */
  backendDatabase: string;
  /** Where the stack's SMTP server writes each message it receives (one JSON file each). */
  mailDir: string;
  logs: string[];
}

const running: ChildProcess[] = [];
const postgresDirs: string[] = [];
const edgeDirs: string[] = [];

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function tail(file: string, lines = 60): string {
  if (!existsSync(file)) return `(no log at ${file})`;
  return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
}

function secret(): string {
  return randomBytes(32).toString("hex");
}

/** Runs a command to completion with its output in a log file; throws with the log's tail on failure. */
function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, log: string): Promise<void> {
  const fd = openSync(log, "a");
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", fd, fd] });
    child.on("error", (error) => {
      closeSync(fd);
      reject(error);
    });
    child.on("exit", (code) => {
      closeSync(fd);
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(" ")} exited with ${code}; end of ${log}:\n${tail(log)}`));
    });
  });
}

/** Starts a long-running server in its own process group, so stopping it stops its children too. */
function startServer(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, log: string): ChildProcess {
  const fd = openSync(log, "a");
  const child = spawn(command, args, { cwd, env, stdio: ["ignore", fd, fd], detached: true });
  closeSync(fd);
  running.push(child);
  return child;
}

async function waitForHttp(url: string, child: ChildProcess, log: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`server for ${url} exited with ${child.exitCode}; end of ${log}:\n${tail(log)}`);
    }
    try {
      const response = await fetch(url, { redirect: "manual" });
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000}s; end of ${log}:\n${tail(log)}`);
}

function startPostgres(name: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `e2e-pg-${name}-`));
  postgresDirs.push(dir);
  const result = spawnSync(PG_SCRIPT, ["start", dir], { encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(`could not start PostgreSQL (exit ${result.status}): ${result.stderr}`);
  }
  return result.stdout.trim();
}

/** Base environment for child processes: the runner's own, minus settings that would leak in. */
function baseEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of ["DATABASE_URL", "AUTH_MODE", "JWT_SECRET", "BETTER_AUTH_SECRET", "BETTER_AUTH_URL",
    "NEXT_PUBLIC_API_URL", "CORS_ORIGINS", "AUTH_JWKS_URL", "AUTH_ISSUER", "AUTH_AUDIENCE", "AUTH_ALGORITHMS",
    "JWT_EXPIRATION_TIME", "NODE_ENV", "PORT", "AUTH_REVOCATION", "AUTH_REVOCATION_URL", "SMTP_URL", "EMAIL_FROM",
    "REQUIRE_EMAIL_VERIFICATION"]) {
    delete env[key];
  }
  return env;
}

export async function startStack(config: ModeConfig): Promise<Stack> {
  const name = config.mode;
  mkdirSync(LOG_DIR, { recursive: true });
  const dataDir = path.join(WORK_DIR, "data", name);
  mkdirSync(dataDir, { recursive: true });
  const logs = {
    frontend: path.join(LOG_DIR, `${name}-frontend.log`),
    backend: path.join(LOG_DIR, `${name}-backend.log`),
    backend2: path.join(LOG_DIR, `${name}-backend-2.log`),
  };
  const [frontendPort, backendPort, backendPort2] = [await freePort(), await freePort(), await freePort()];
  const edgePorts = config.edge ? { http: await freePort(), https: await freePort() } : undefined;
  const frontendUrl = edgePorts ? `https://localhost:${edgePorts.https}` : `http://localhost:${frontendPort}`;
  const backendUrl = `http://127.0.0.1:${backendPort}`;
  const backendUrl2 = `http://127.0.0.1:${backendPort2}`;
  // A real SMTP server: password-reset emails travel through nodemailer and SMTP, as in production.
  const mailDir = path.join(dataDir, "mail");
  const mail = await startMailServer(mailDir);
  const betterAuthSecret = secret();
  const jwtSecret = secret();

  let frontendDb: string;
  let backendDb: string;
  if (config.database === "postgres") {
    const url = startPostgres(name);
    frontendDb = url;
    backendDb = url;
  } else {
    frontendDb = `file:${path.join(dataDir, `auth-${Date.now()}.db`)}`;
    backendDb = `sqlite:///${path.join(dataDir, `tasks-${Date.now()}.db`)}`;
  }

  const shared = {
    AUTH_MODE: config.mode,
    BETTER_AUTH_URL: frontendUrl,
    ...(config.mode === "shared-secret" ? { JWT_SECRET: jwtSecret } : {}),
  };
  const frontendEnv: NodeJS.ProcessEnv = {
    ...baseEnv(),
    ...shared,
    NODE_ENV: "production",
    BETTER_AUTH_SECRET: betterAuthSecret,
    NEXT_PUBLIC_API_URL: backendUrl, // read by the server at run time: one build serves every stack
    SMTP_URL: mail.url,
    EMAIL_FROM: "Tasks <tasks@e2e.test>",
    DATABASE_URL: frontendDb,
    // Many sign-ins from one address in a few minutes: lift Better Auth's rate limit for the harness.
    AUTH_RATE_LIMIT_MAX: "10000",
    ...(config.jwtExpiration ? { JWT_EXPIRATION_TIME: config.jwtExpiration } : {}),
    NEXT_TELEMETRY_DISABLED: "1",
  };
  const backendEnv: NodeJS.ProcessEnv = {
    ...baseEnv(),
    ...shared,
    DATABASE_URL: backendDb,
    CORS_ORIGINS: frontendUrl,
    // Behind the edge, the backends read the keys and the revocations on its plain listener, as backends
    // inside a deployment do: they do not trust its throwaway certificate.
    ...(edgePorts
      ? {
          AUTH_JWKS_URL: `http://127.0.0.1:${edgePorts.http}/api/auth/jwks`,
          AUTH_REVOCATION_URL: `http://127.0.0.1:${edgePorts.http}/api/auth/revocations`,
        }
      : {}),
    // Present only so the backend can refuse a JWT_SECRET equal to it.
    BETTER_AUTH_SECRET: betterAuthSecret,
  };

  // Frontend first: the backend fetches the public keys from it at startup.
  await run("npm", ["run", "--silent", "migrate"], FRONTEND_DIR, frontendEnv, logs.frontend);
  const next = path.join(FRONTEND_DIR, "node_modules", ".bin", "next");
  const frontend = startServer(next, ["start", "-p", String(frontendPort), "-H", "127.0.0.1"],
    FRONTEND_DIR, frontendEnv, logs.frontend);
  // Before the backends: they read the public keys and the revocations through it.
  const edge = edgePorts ? startEdge(name, edgePorts, frontendPort, [backendPort, backendPort2]) : undefined;
  await run("uv", ["run", "--locked", "alembic", "upgrade", "head"], BACKEND_DIR, backendEnv, logs.backend);
  const backend = startServer("uv", ["run", "--locked", "uvicorn", "app.main:app", "--host", "127.0.0.1",
    "--port", String(backendPort)], BACKEND_DIR, backendEnv, logs.backend);
  // A second process of the same backend, with its own memory: each learns revocations by itself.
  const backend2 = startServer("uv", ["run", "--locked", "uvicorn", "app.main:app", "--host", "127.0.0.1",
    "--port", String(backendPort2)], BACKEND_DIR, backendEnv, logs.backend2);

  await Promise.all([
    waitForHttp(`http://127.0.0.1:${frontendPort}/login`, frontend, logs.frontend),
    waitForHttp(`${backendUrl}/health`, backend, logs.backend),
    waitForHttp(`${backendUrl2}/health`, backend2, logs.backend2),
    ...(edge ? [waitForHttp(`${edge.plainUrl}/login`, edge.process, edge.log)] : []),
  ]);
  return {
    mode: config.mode,
    database: config.database,
    jwtExpiration: config.jwtExpiration ?? null,
    frontendUrl,
    backendUrl,
    backendUrls: [backendUrl, backendUrl2],
    backendDatabase: backendDb,
    mailDir,
    logs: [logs.frontend, logs.backend, logs.backend2],
  };
}

/** The load balancer of compose.yaml (deploy/nginx/tasks.conf.template, run by Debian's nginx): it serves the
 * build's assets from their precompressed copies (`npm run precompress`) and passes pages and Better Auth to
 * `next start`, the task API to the backends. Plain HTTP on `ports.http`, as compose has it; HTTPS with
 * HTTP/2 on `ports.https`, as docs/deploy.md has a production edge add (browsers speak HTTP/2 only over
 * TLS, and a page of ten scripts loads differently over one connection than over six). */
function startEdge(name: string, ports: { http: number; https: number }, frontendPort: number, backendPorts: [number, number]) {
  const runDir = mkdtempSync(path.join(tmpdir(), "e2e-edge-"));
  edgeDirs.push(runDir);
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
    "-days", "1", "-subj", "/CN=localhost", "-keyout", path.join(runDir, "key.pem"), "-out", path.join(runDir, "cert.pem")],
  { stdio: "ignore" });
  const values: Record<string, string> = {
    LISTEN_ADDRESS: "127.0.0.1",
    HTTP_PORT: String(ports.http),
    FRONTEND_1_PORT: String(frontendPort),
    FRONTEND_2_PORT: String(frontendPort),
    BACKEND_1_PORT: String(backendPorts[0]),
    BACKEND_2_PORT: String(backendPorts[1]),
    STATIC_DIR: path.join(FRONTEND_DIR, ".next", "static"),
  };
  const template = readFileSync(path.join(ROOT, "deploy", "nginx", "tasks.conf.template"), "utf8");
  const plainListen = `listen 127.0.0.1:${ports.http};`;
  const conf = template.replace(/\$\{([A-Z0-9_]+)\}/g, (placeholder, key: string) => values[key] ?? placeholder);
  if (!conf.includes(plainListen)) throw new Error(`deploy/nginx/tasks.conf.template has no "listen \${LISTEN_ADDRESS}:\${HTTP_PORT};"`);
  const tlsListen = [`listen 127.0.0.1:${ports.https} ssl http2;`, `ssl_certificate ${runDir}/cert.pem;`, `ssl_certificate_key ${runDir}/key.pem;`];
  writeFileSync(path.join(runDir, "tasks.conf"), conf.replace(plainListen, [plainListen, ...tlsListen].join("\n    ")));
  // What Debian's /etc/nginx/nginx.conf would hold, with this run's own pid, logs and temporary files.
  const config = path.join(runDir, "nginx.conf");
  writeFileSync(config, `load_module /usr/lib/nginx/modules/ngx_http_brotli_static_module.so;
worker_processes 1;
pid ${runDir}/nginx.pid;
error_log ${runDir}/error.log warn;
events {}
http {
  include /etc/nginx/mime.types;
  client_body_temp_path ${runDir}/client_body;
  proxy_temp_path ${runDir}/proxy;
  fastcgi_temp_path ${runDir}/fastcgi;
  uwsgi_temp_path ${runDir}/uwsgi;
  scgi_temp_path ${runDir}/scgi;
  include ${runDir}/tasks.conf;
}
`);
  const log = path.join(LOG_DIR, `${name}-edge.log`);
  const nginx = startServer(process.env.NGINX_PATH ?? "/usr/sbin/nginx", ["-c", config, "-g", "daemon off;"], runDir, baseEnv(), log);
  return { process: nginx, log, plainUrl: `http://127.0.0.1:${ports.http}` };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Stops every server this process started and the PostgreSQL clusters. */
export async function stopAll(): Promise<void> {
  await stopMailServers();
  for (const child of running) killGroup(child, "SIGTERM");
  const deadline = Date.now() + 10_000;
  while (running.some((c) => c.exitCode === null && c.signalCode === null) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  stopAllNow();
}

/** Synchronous last resort, also used when the runner exits without a teardown. */
export function stopAllNow(): void {
  for (const child of running) killGroup(child, "SIGKILL");
  running.length = 0;
  for (const dir of postgresDirs.splice(0)) {
    spawnSync(PG_SCRIPT, ["stop", dir]);
    spawnSync("rm", ["-rf", dir]);
  }
  for (const dir of edgeDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
