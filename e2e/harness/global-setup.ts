// Playwright global setup: starts one full stack per auth mode and tells the tests where they are.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { LOG_DIR, STATE_FILE, WORK_DIR, selectedModes, startStack, stopAll, stopAllNow, type ModeConfig } from "./stack";

/**
 * jwks: Better Auth's own EdDSA keys, PostgreSQL behind both sides (as in production), and
 * 20-second tokens so that a token expires while the user works.
 * shared-secret: HS256 with a secret both sides hold, SQLite files, the default token lifetime.
 */
const ALL: ModeConfig[] = [
  { mode: "jwks", database: "postgres", jwtExpiration: "20s" },
  { mode: "shared-secret", database: "sqlite" },
];
export const MODES = ALL.filter((config) => selectedModes().includes(config.mode));

export default async function globalSetup(): Promise<() => Promise<void>> {
  rmSync(LOG_DIR, { recursive: true, force: true });
  rmSync(`${WORK_DIR}/data`, { recursive: true, force: true });
  mkdirSync(WORK_DIR, { recursive: true });
  process.on("exit", stopAllNow);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      stopAllNow();
      process.exit(130);
    });
  }

  const started = Date.now();
  try {
    const stacks = await Promise.all(MODES.map((config) => startStack(config)));
    const state = Object.fromEntries(stacks.map((stack) => [stack.mode, stack]));
    writeFileSync(STATE_FILE, JSON.stringify(state, null, 2));
    process.env.E2E_STACKS = JSON.stringify(state);
    for (const stack of stacks) {
      console.log(`[e2e] ${stack.mode}: app ${stack.frontendUrl}, api ${stack.backendUrl}, ${stack.database}`);
    }
    console.log(`[e2e] servers ready in ${((Date.now() - started) / 1000).toFixed(1)}s; logs in e2e/.tmp/logs/`);
  } catch (error) {
    stopAllNow();
    throw error;
  }
  return stopAll;
}
