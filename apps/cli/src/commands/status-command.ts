import { Command, Option } from 'commander';
import { type CommandContext, dirOption } from '../command-context.js';
import type { StatusOptions } from './status.js';

/** Declares `elmo status` (alias `st`); what it does is loaded only when it runs. */
export function makeStatusCommand(context: CommandContext): Command {
  return new Command('status')
    .alias('st')
    .description('Show whether a deployment exists and runs, its URL and the telemetry state')
    .addOption(dirOption())
    .addOption(new Option('--json', 'print one JSON object'))
    .action(async (options: StatusOptions) => (await import('./status.js')).runStatus(context, options));
}
