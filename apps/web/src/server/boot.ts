import { describeError } from '@elmo/app-shared';
import { LockHeldError } from './db/lock-file';
import { getRuntime, StartupError, stopRuntime } from './runtime';

// Entry point of the Node.js server process (called from instrumentation.ts): the only module that exits it.

const SHUTDOWN_DEADLINE_MS = 5_000;

function fail(message: string): never {
  console.error(`elmo-web: ${message}`);
  process.exit(1);
}

function installSignalHandlers(): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    // Telemetry bounds its own flush; this only guards against a database that never closes.
    setTimeout(
      () => fail(`shutdown after ${signal} took longer than ${SHUTDOWN_DEADLINE_MS} ms`),
      SHUTDOWN_DEADLINE_MS,
    ).unref();
    stopRuntime().then(
      () => process.exit(0),
      (error) => fail(`shutdown failed: ${describeError(error)}`),
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/** Opens and migrates the database, installs the signal handlers, then tells telemetry the server is ready. */
export async function boot(): Promise<void> {
  let runtime: Awaited<ReturnType<typeof getRuntime>>;
  try {
    runtime = await getRuntime();
  } catch (error) {
    // Next would otherwise answer 500 forever: one clear line, non-zero exit.
    fail(error instanceof StartupError || error instanceof LockHeldError ? error.message : describeError(error));
  }
  if (!runtime.env.manualSignalHandling) {
    console.error(
      'elmo-web: NEXT_MANUAL_SIG_HANDLE is not set, so Next may exit before the database is closed; use `pnpm start`',
    );
  }
  for (const problem of runtime.env.settingProblems) console.error(`elmo-web: ${problem}; left out`);
  installSignalHandlers();
  await runtime.reportTotals().catch(() => undefined);
  runtime.hooks.ready();
}
