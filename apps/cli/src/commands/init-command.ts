import { Command, Option } from 'commander';
import { type CommandContext, dirOption } from '../command-context.js';
import type { InitOptions } from './init-answers.js';

/** Declares `elmo init`; what it does (and the prompts it may show) is loaded only when it runs. */
export function makeInitCommand(context: CommandContext): Command {
  return new Command('init')
    .description('Create or update a deployment: database, telemetry choice, product updates')
    .addOption(dirOption())
    .addOption(new Option('-y, --yes', 'accept the defaults, ask nothing (leaves telemetry as it is)'))
    .addOption(new Option('--telemetry', 'share anonymous telemetry (recorded as your choice)'))
    .addOption(new Option('--no-telemetry', 'do not share telemetry (recorded in the user config and the .env)'))
    .addOption(new Option('--email <address>', 'email me product updates (sent even with telemetry off)'))
    .addOption(new Option('--database-url <url>', 'use an existing PostgreSQL instead of the embedded database'))
    .addHelpText(
      'after',
      `
Examples:
  $ elmo init                                   asks, on a terminal
  $ elmo init --yes --no-telemetry              no questions, telemetry off
  $ elmo init --yes --database-url postgres://elmo@localhost/elmo --email you@example.com

Without a terminal (or in CI, or with --yes) nothing is asked; unanswered questions keep their defaults.`,
    )
    .action(async (options: InitOptions) => (await import('./init.js')).runInit(context, options));
}
