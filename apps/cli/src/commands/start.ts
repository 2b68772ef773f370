import { Command, Option } from 'commander';
import { CliError } from '../cli-error.js';
import { type CommandContext, dirOption } from '../command-context.js';
import { deploymentDirFor, readDeployment } from '../deployment/deployment.js';
import { resolvePort } from '../deployment/port.js';
import { describeFileProblem } from '../file-problem.js';

/** Options of `elmo start`. */
export interface StartOptions {
  dir?: string;
  port?: string;
}

/**
 * `elmo start`: checks its input and the deployment. Running web + worker is not wired yet; this module is
 * where that goes (children with the deployment `.env`, progress, the URL, graceful Ctrl-C).
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
  throw new CliError(
    'start_failed',
    `elmo start is not wired yet: it will run the web app and worker of ${dir} on http://localhost:${port}`,
  );
}

/** Declares `elmo start` (alias `up`). */
export function makeStartCommand(context: CommandContext): Command {
  return new Command('start')
    .alias('up')
    .description('Start the web app and worker of a deployment')
    .addOption(dirOption())
    .addOption(new Option('--port <n>', 'web port (default: $ELMO_PORT, else 1515)'))
    .action((options: StartOptions) => runStart(context, options));
}
