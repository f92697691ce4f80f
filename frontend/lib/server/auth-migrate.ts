// Creates or updates Better Auth's tables (user, session, account, verification, jwks) for a configuration.
import { type BetterAuthOptions } from "better-auth";
import { getMigrations } from "better-auth/db/migration";

export async function migrateAuthDatabase(options: BetterAuthOptions): Promise<string[]> {
  const { toBeCreated, toBeAdded, runMigrations } = await getMigrations(options);
  await runMigrations();
  return [
    ...toBeCreated.map((t) => `created table ${t.table}`),
    ...toBeAdded.map((t) => `added ${Object.keys(t.fields).join(", ")} to ${t.table}`),
  ];
}

/** Releases the connection pool or SQLite handle a configuration opened. */
export async function closeAuthDatabase(options: { database?: unknown }): Promise<void> {
  const db = options.database as { end?: () => Promise<void>; close?: () => void } | undefined;
  if (db?.end) await db.end();
  else if (db?.close) db.close();
}
