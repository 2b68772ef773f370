import { mkdirSync } from 'node:fs';
import { removePidFile, writePidFile } from '@elmo/telemetry-core/node';
import { CliError } from '../cli-error.js';
import { type CommandContext, printLines } from '../command-context.js';
import { childEnvironment } from '../deployment/child-env.js';
import { locateComponents } from '../deployment/components.js';
import { deploymentDirFor, readDeployment } from '../deployment/deployment.js';
import { resolvePort } from '../deployment/port.js';
import { readRunState } from '../deployment/running.js';
import { type RunningComponent, startComponent, waitUntilHealthy } from '../deployment/supervisor.js';
import { describeFileProblem } from '../file-problem.js';

/** Options of `elmo start`. */
export interface StartOptions {
  dir?: string;
  port?: string;
}

const START_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 10_000;
// Next's own start-up banner repeats what `elmo start` prints itself.
const NEXT_BANNER =
  /^\s*(▲ Next\.js|- (Local|Network|Environments|Experiments):|✓ (Starting|Ready in|Running next\.config))/;

/**
 * `elmo start`: runs the web app and the worker of a deployment as child processes with the deployment
 * `.env`, shows progress while they come up, prints the URL, and on Ctrl-C (or SIGTERM) stops both
 * gracefully, the web app last so that the worker can report its last job.
 */
export async function runStart(context: CommandContext, options: StartOptions): Promise<void> {
  const { deps } = context;
  const dir = deploymentDirFor(deps, options.dir);
  const deployment = readDeployment(dir);
  // The port is checked first: a typo in --port is a usage error whatever the state of the folder.
  const port = resolvePort({ flag: options.port, env: deps.env, values: deployment.values });
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

  const components = locateComponents();
  const env = childEnvironment({
    env: deps.env,
    values: deployment.values,
    home: dir,
    port,
    productVersion: deps.productVersion,
  });
  const url = `http://localhost:${port}`;
  const write = deps.stderr;
  const started: RunningComponent[] = [];
  const pidFile = `${deployment.paths.dataDir}/elmo.pid`;
  let stopping: Promise<void> | undefined;
  const stopAll = () => {
    // The worker first, so it can report its last job to the web app; then the web app.
    stopping ??= (async () => {
      for (const component of [...started].reverse()) await component.stop(STOP_GRACE_MS);
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
    write(`Starting Elmo from ${dir}…\n`);
    const web = startComponent({
      name: 'web',
      ...components.web,
      args: components.web.args(port),
      env,
      write,
      quiet: (line) => NEXT_BANNER.test(line),
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
    const worker = startComponent({ name: 'worker', ...components.worker, env, write });
    started.push(worker);
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
