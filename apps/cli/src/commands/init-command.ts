import { Command, Option } from 'commander';
import { type CommandContext, dirOption } from '../command-context.js';
import type { InitOptions } from './init-answers.js';

// Collects repeated `--provider` values; kept here (two lines) so that declaring the command loads nothing more.
const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

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
    .addOption(
      new Option(
        '--provider <name>',
        'a model provider for reports, repeatable: offline, openai, anthropic, openai_compatible',
      ).argParser(collect),
    )
    .addHelpText(
      'after',
      `
Examples:
  $ elmo init                                   asks, on a terminal
  $ elmo init --yes --no-telemetry              no questions, telemetry off
  $ elmo init --yes --database-url postgres://elmo@localhost/elmo --email you@example.com
  $ OPENAI_API_KEY=sk-… elmo init --yes --provider openai --provider offline
  $ OPENAI_BASE_URL=http://127.0.0.1:8000/v1 elmo init --yes --provider openai_compatible

Without a terminal (or in CI, or with --yes) nothing is asked; unanswered questions keep their defaults.
Provider keys and base URLs are read from the environment variables of the same name (OPENAI_API_KEY,
ANTHROPIC_API_KEY, OPENAI_BASE_URL; never from the command line, where other users can see them) and written to
the deployment .env only. Without --provider, the providers the .env names are kept (default: offline).`,
    )
    .action(async (options: InitOptions) => (await import('./init.js')).runInit(context, options));
}
