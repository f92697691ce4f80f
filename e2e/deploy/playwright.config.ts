// The deploy test (make deploy-test): compose.yaml's project, checked through nginx only.
// scripts/deploy-test.sh builds the images and runs this; see global-setup.ts and deploy.spec.ts.
import { defineConfig } from "@playwright/test";

import base from "../playwright.config";

export default defineConfig({
  ...base,
  testDir: ".",
  testMatch: "deploy.spec.ts",
  outputDir: "../test-results/deploy",
  timeout: 300_000,
  fullyParallel: false,
  workers: 1,
  reporter: [["list"], ["../harness/reporter.ts"]],
  globalSetup: "./global-setup.ts",
  projects: [{ name: "compose" }],
});
