import { mkdirSync } from 'node:fs';
import { removePidFile, writePidFile } from '@elmo/telemetry-core/node';
import { CliError } from '../cli-error.js';
import { type CommandContext, printLines } from '../command-context.js';
import { childEnvironment } from '../deployment/child-env.js';
import { locateComponents } from '../deployment/components.js';
import { deploymentDirFor, readDeployment } from '../deployment/deployment.js';
import { resolvePort } from '../deployment/port.js';
import { readRunState } from '../deployment/running.js';
import { checkDeploymentSettings, parseWorkerCount, planStart } from '../deployment/start-plan.js';
import { type RunningComponent, startComponent, waitUntilHealthy } from '../deployment/supervisor.js';
import { describeFileProblem } from '../file-problem.js';

/** Options of `elmo start`. */
export interface StartOptions {
  dir?: string;
  port?: string;
  /** How many worker processes (1–16, default 1). */
  workers?: string;
  /** `next dev` and ELMO_DEPLOYMENT_MODE=development. */
  dev?: boolean;
}

const START_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 10_000;
// Next's own start-up banner repeats what `elmo start` prints itself.
const NEXT_BANNER =
  /^\s*(▲ Next\.js|- (Local|Network|Environments|Experiments):|✓ (Starting|Ready in|Running next\.config))/;
// `next dev` logs every request; the workers' polling of the internal job API (every second each) would drown the
// rest.
const INTERNAL_REQUEST = /^\s*[A-Z]+ \/api\/internal\//;

/**
 * `elmo start`: runs the web app and the workers of a deployment as child processes with the deployment
 * `.env`, shows progress while they come up, prints the URL, and on Ctrl-C (or SIGTERM) stops them all
 * gracefully, the web app last so that the workers can report their last jobs.
 */
export async function runStart(context: CommandContext, options: StartOptions): Promise<void> {
  const { deps } = context;
  const dir = deploymentDirFor(deps, options.dir);
  const deployment = readDeployment(dir);
  // The port is checked first: a typo in --port is a usage error whatever the state of the folder.
  const port = resolvePort({ flag: options.port, env: deps.env, values: deployment.values });
  const workerCount = parseWorkerCount(options.workers);
  if (!deployment.exists) {
    throw new CliError('no_deployment', `no deployment in ${dir} (no .env there); run \`elmo init\` first`);
  }
  if (deployment.env.status === 'corrupt' || deployment.env.status === 'unreadable') {
    throw new CliError(
      'env_unreadable',
      `${describeFileProblem(deployment.paths.envFile, deployment.env)}; fix it, then try again`,
    );
  }
  const running = readRunState(dir);
  if (running.state === 'running') {
    throw new CliError(
      'already_running',
      `the deployment in ${dir} is already running (pid ${running.pid}); see \`elmo status\``,
    );
  }

  const env = childEnvironment({
    env: deps.env,
    values: deployment.values,
    home: dir,
    port,
    productVersion: deps.productVersion,
    dev: options.dev,
  });
  // What the components would refuse or fail on later is refused now, in one line, before anything starts.
  checkDeploymentSettings(env);
  const plan = planStart({
    components: locateComponents(),
    port,
    workers: workerCount,
    dev: options.dev ?? false,
    env,
  });
  const url = `http://localhost:${port}`;
  const write = deps.stderr;
  const started: RunningComponent[] = [];
  const pidFile = `${deployment.paths.dataDir}/elmo.pid`;
  let stopping: Promise<void> | undefined;
  const stopAll = () => {
    // The workers first (all at once), so they can report their last jobs to the web app; then the web app.
    stopping ??= (async () => {
      const [web, ...workers] = started;
      await Promise.all(workers.map((worker) => worker.stop(STOP_GRACE_MS)));
      await web?.stop(STOP_GRACE_MS);
      removePidFile(pidFile);
    })();
    return stopping;
  };
  const releaseInterrupt = deps.onInterrupt(() => {
    write('\nStopping Elmo…\n');
    void stopAll();
  });

  try {
    mkdirSync(deployment.paths.dataDir, { recursive: true });
    writePidFile(pidFile, { pid: process.pid, port });
    write(`Starting Elmo from ${dir}${options.dev ? ' in development mode (next dev)' : ''}…\n`);
    const web = startComponent({
      ...plan.web,
      write,
      quiet: (line) => NEXT_BANNER.test(line) || INTERNAL_REQUEST.test(line),
    });
    started.push(web);
    let lastNote = 0;
    const health = await waitUntilHealthy(`http://127.0.0.1:${port}/api/health`, web, {
      timeoutMs: START_TIMEOUT_MS,
      onWait(elapsedMs) {
        if (elapsedMs - lastNote < 3000) return;
        lastNote = elapsedMs;
        write(
          `  …web app still starting (${Math.round(elapsedMs / 1000)} s; a new embedded database takes a few seconds)\n`,
        );
      },
    });
    if (stopping) return await stopping;
    if (health !== 'healthy') {
      await stopAll();
      const last = web.lastLines().at(-1);
      throw new CliError(
        'start_failed',
        health === 'timeout'
          ? `the web app did not answer on port ${port} within ${START_TIMEOUT_MS / 1000} s`
          : `the web app stopped while starting${last ? `: ${last.replace(/^elmo-web:\s*/, '')}` : ''}`,
      );
    }
    write('  web app ready\n');
    for (const worker of plan.workers) started.push(startComponent({ ...worker, write }));
    write(`  ${workerCount} worker${workerCount === 1 ? '' : 's'} started\n`);
    printLines(deps, [`Elmo is running at ${url}`, 'Press Ctrl-C to stop.']);

    // Runs until Ctrl-C/SIGTERM (stopAll), or until a component exits on its own.
    const first = await Promise.race(
      started.map((component) => component.exited.then((code) => ({ component, code }))),
    );
    if (stopping) return await stopping;
    await stopAll();
    throw new CliError(
      'start_failed',
      `the ${first.component.name} stopped unexpectedly (exit code ${first.code ?? 'unknown'})`,
    );
  } finally {
    releaseInterrupt();
    if (!stopping) await stopAll();
  }
}
