import { writeFileSync } from 'node:fs';
import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints `N passed, N failed` (and skipped) as the last line of the run, the form CI recognises. With
 * ELMO_TEST_COUNTS_FILE set it also writes the counts there as JSON, with the Node that ran them and how long the
 * run took, so that `.ci/run` can add up several runs (scripts/node-matrix.mjs) into one last line.
 */
export default class SummaryReporter implements Reporter {
  private startedAt = Date.now();

  onTestRunStart(): void {
    this.startedAt = Date.now();
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    for (const module of testModules) {
      // A file that failed without a failed test (an import error, a setup hook that threw or timed out, its tests
      // then skipped) counts as one failure, so that this line never says 0 failed when the run did fail.
      const tests = [...module.children.allTests()];
      if (module.state() === 'failed' && !tests.some((test) => test.result().state === 'failed')) failed += 1;
      for (const test of tests) {
        const state = test.result().state;
        if (state === 'passed') passed += 1;
        else if (state === 'failed') failed += 1;
        else skipped += 1;
      }
    }
    process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
    const countsFile = process.env.ELMO_TEST_COUNTS_FILE;
    if (countsFile) {
      const durationMs = Date.now() - this.startedAt;
      writeFileSync(countsFile, `${JSON.stringify({ node: process.version, passed, failed, skipped, durationMs })}\n`);
    }
  }
}
