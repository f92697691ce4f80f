// Browser tests against real servers in both auth modes; see harness/global-setup.ts.
import { defineConfig } from "@playwright/test";
import { selectedModes } from "./harness/stack";

export default defineConfig({
  testDir: "./tests",
  outputDir: "./test-results",
  timeout: 120_000,
  expect: { timeout: 15_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [["list"], ["./harness/reporter.ts"]],
  globalSetup: "./harness/global-setup.ts",
  use: {
    browserName: "chromium",
    // Debian's Chromium: these machines cannot download Playwright's browser builds.
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
  },
  projects: selectedModes().map((mode) => ({ name: mode, metadata: { mode } })),
});
