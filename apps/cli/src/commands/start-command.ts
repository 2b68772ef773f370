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
    .action(async (options: StartOptions) => (await import('./start.js')).runStart(context, options));
}
