import { randomUUID } from 'node:crypto';
import { ConfigError, readWorkerEnv } from './env.js';
import { createHttpJobSource } from './job-source.js';
import { createProviderClients } from './providers/create-clients.js';
import { createReportRunner } from './run-report.js';
import { createWorkerTelemetryHooks, guardWorkerTelemetryHooks } from './telemetry-hooks.js';
import { createWorker } from './worker.js';

// The worker process: env → deps → createWorker(deps).start(). The only module that exits the process.

const log = (line: string) => process.stderr.write(`elmo-worker: ${line}\n`);

function main(): void {
  let env: ReturnType<typeof readWorkerEnv>;
  try {
    env = readWorkerEnv();
  } catch (error) {
    log(error instanceof ConfigError ? error.message : String(error));
    process.exit(1);
  }
  const hooks = guardWorkerTelemetryHooks(createWorkerTelemetryHooks(env));
  const workerId = `worker-${process.pid}-${randomUUID().slice(0, 8)}`;
  const worker = createWorker({
    jobs: createHttpJobSource({ baseUrl: env.webUrl, token: env.internalToken }),
    workerId,
    pollIntervalMs: env.pollIntervalMs,
    hooks,
    log,
    compute: createReportRunner({
      clients: createProviderClients(env.providers),
      retry: { retries: env.providers.retries },
      onCall: (sample) => hooks.providerCall(sample),
      log,
    }),
  });

  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    worker
      .stop()
      .then(() => hooks.shutdown())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  worker.start();
  // Provider names only: their base URLs and keys are never logged (SPEC §12).
  log(`${workerId} taking report jobs from ${env.webUrl}; providers: ${env.settings.providers.join(', ')}`);
}

main();
