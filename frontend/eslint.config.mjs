import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

// lib/server/ runs on the server only (secrets, the database, the backend with the user's token);
// lib/client/ only in the browser; lib/*.ts on both. Components are browser code.
const serverModules = { group: ["@/lib/server/*", "**/lib/server/*", "../server/*"], message: "lib/server/ is server-only; pass data down from a page instead." };
const clientModules = { group: ["@/lib/client/*", "./client/*"], message: "lib/client/ is browser code; a shared module must not depend on it." };

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    files: ["components/**", "lib/client/**"],
    rules: { "no-restricted-imports": ["error", { patterns: [serverModules] }] },
  },
  {
    files: ["lib/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [serverModules, clientModules] }] },
  },
  globalIgnores([".next/**", "node_modules/**", "next-env.d.ts", "lib/api-schema.d.ts", ".data/**"]),
]);
