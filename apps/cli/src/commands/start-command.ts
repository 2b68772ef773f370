import { Command, Option } from 'commander';
import { type CommandContext, dirOption } from '../command-context.js';
import type { StartOptions } from './start.js';

/** Declares `elmo start` (alias `up`); what it does is loaded only when it runs. */
export function makeStartCommand(context: CommandContext): Command {
  return new Command('start')
    .alias('up')
    .description('Start the web app and worker of a deployment')
    .addOption(dirOption())
    .addOption(new Option('--port <n>', 'web port (default: $ELMO_PORT, else 1515)'))
    .addOption(new Option('--workers <n>', 'how many report workers to run, 1 to 16 (default: 1)'))
    .addOption(new Option('--dev', 'run the web app in development mode (next dev; ELMO_DEPLOYMENT_MODE=development)'))
    .addHelpText(
      'after',
      `
Examples:
  $ elmo start                     web app on http://localhost:1515 and one worker
  $ elmo start --workers 3         three workers share the report jobs (PostgreSQL runs them in parallel)
  $ elmo start --port 8080 --dev   development mode (next dev), for working on Elmo itself

Ctrl-C stops the workers, then the web app. The deployment .env's ELMO_PROVIDERS (and their keys) and
ELMO_DEPLOYMENT_MODE are checked before anything starts.`,
    )
    .action(async (options: StartOptions) => (await import('./start.js')).runStart(context, options));
}
