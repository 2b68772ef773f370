import { writeFileSync } from 'node:fs';
import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints `N passed, N failed` (and skipped) as the last line of the run, the form CI recognises, after one line for
 * each failure (file, test and the first line of its error): CI may keep only the end of a long log, and the failure
 * must be in it. With ELMO_TEST_COUNTS_FILE set it also writes the counts and the failures there as JSON, with the
 * Node that ran them and how long the run took, so that `.ci/run` can add up several runs
 * (scripts/node-matrix.mjs) into one last line.
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
    const failures = unhandledErrors.map((error) => `unhandled error: ${firstLine(error)}`);
    for (const module of testModules) {
      // A file that failed without a failed test (an import error, a setup hook that threw or timed out, its tests
      // then skipped) counts as one failure, so that this line never says 0 failed when the run did fail.
      const tests = [...module.children.allTests()];
      if (module.state() === 'failed' && !tests.some((test) => test.result().state === 'failed')) {
        failed += 1;
        failures.push(`${module.moduleId}: ${firstLine(module.errors()[0])}`);
      }
      for (const test of tests) {
        const result = test.result();
        if (result.state === 'passed') passed += 1;
        else if (result.state === 'failed') {
          failed += 1;
          failures.push(`${module.moduleId} › ${test.fullName}: ${firstLine(result.errors?.[0])}`);
        } else skipped += 1;
      }
    }
    const relative = failures.map((failure) => failure.replace(`${process.cwd()}/`, ''));
    for (const failure of relative) process.stdout.write(`\nFAILED ${failure}`);
    process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
    const countsFile = process.env.ELMO_TEST_COUNTS_FILE;
    if (countsFile) {
      const durationMs = Date.now() - this.startedAt;
      writeFileSync(
        countsFile,
        `${JSON.stringify({ node: process.version, passed, failed, skipped, durationMs, failures: relative })}\n`,
      );
    }
  }
}

/** The first line of an error's message, or of whatever was thrown, cut to one readable line. */
function firstLine(error: unknown): string {
  const message = error && typeof error === 'object' && 'message' in error ? String(error.message) : String(error);
  const line = message.split('\n').find((text) => text.trim() !== '') ?? '(no message)';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
