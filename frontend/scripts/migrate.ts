// `npm run migrate`: creates or updates Better Auth's tables in DATABASE_URL, reading env files as Next does.
import nextEnv from "@next/env";

import { createAuthOptions } from "../lib/server/auth-options";
import { closeAuthDatabase, migrateAuthDatabase } from "../lib/server/auth-migrate";

nextEnv.loadEnvConfig(process.cwd(), process.env.NODE_ENV !== "production");

const options = createAuthOptions();
try {
  const changes = await migrateAuthDatabase(options);
  console.log(changes.length ? changes.join("\n") : "Better Auth tables are up to date.");
} catch (error) {
  console.error("Better Auth migration failed:", error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await closeAuthDatabase(options);
}
