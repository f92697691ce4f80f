// Prints a closing line CI can read ("playwright: N passed, N failed, N skipped") and, when
// anything failed, the end of every server log so the cause is visible in the CI output.
import { readdirSync } from "node:fs";
import path from "node:path";
import type { FullConfig, FullResult, Reporter, Suite } from "@playwright/test/reporter";
import { LOG_DIR, tail } from "./stack";

export default class SummaryReporter implements Reporter {
  private suite: Suite | undefined;

  onBegin(_config: FullConfig, suite: Suite): void {
    this.suite = suite;
  }

  onEnd(result: FullResult): void {
    if (result.status !== "passed") {
      let files: string[] = [];
      try {
        files = readdirSync(LOG_DIR).filter((f) => f.endsWith(".log")).sort();
      } catch {
        // no servers were started
      }
      for (const file of files) {
        console.log(`\n----- end of e2e/.tmp/logs/${file} -----\n${tail(path.join(LOG_DIR, file), 40)}`);
      }
    }
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const test of this.suite?.allTests() ?? []) {
      const outcome = test.outcome();
      if (outcome === "expected" || outcome === "flaky") passed += 1;
      else if (outcome === "skipped") skipped += 1;
      else failed += 1;
    }
    // A setup failure or an interruption fails the run even when no test did.
    if (result.status !== "passed" && failed === 0) failed = 1;
    console.log(`playwright: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  }

  printsToStdio(): boolean {
    return false;
  }
}
