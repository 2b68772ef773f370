import { ELMO } from '@elmo/elmo-telemetry';
import { Command } from 'commander';
import type { CommandContext } from './command-context.js';
import { makeInitCommand } from './commands/init-command.js';
import { makeStartCommand } from './commands/start-command.js';
import { makeStatusCommand } from './commands/status-command.js';
import { makeTelemetryCommand } from './commands/telemetry-command.js';
import type { CliDeps } from './deps.js';
import type { CommandTracker } from './telemetry/command-tracking.js';
import type { CliSession } from './telemetry/session.js';

const EXAMPLES = `
Examples:
  $ elmo init                          set up ~/.elmo, asking a few questions
  $ elmo init --yes --no-telemetry     set up without questions, telemetry off
  $ elmo init --database-url postgres://elmo@localhost/elmo --email you@example.com
  $ elmo start --port 8080             run Elmo on http://localhost:8080
  $ elmo status --dir ./my-elmo        is the deployment in ./my-elmo running?
  $ elmo telemetry status              is telemetry on, why, and where events go
  $ DO_NOT_TRACK=1 elmo status         run any command without telemetry

The deployment folder is --dir, else $ELMO_HOME, else ~/.elmo.
Telemetry is anonymous and opt-out: \`elmo telemetry disable\` or DO_NOT_TRACK=1 turns it off.
`;

/** Makes every command in the tree throw instead of exiting and write through deps (testable in-process). */
function applySettings(command: Command, deps: CliDeps): void {
  command.exitOverride();
  command.helpOption('-h, --help', 'show help for a command');
  if (command.commands.length > 0) command.helpCommand('help [command]', 'show help for a command');
  command.configureOutput({
    writeOut: deps.stdout,
    writeErr: deps.stderr,
    // main.ts prints every error once, as one line; commander's own copy would be a second one.
    outputError: () => {},
  });
  command.showSuggestionAfterError(true);
  for (const sub of command.commands) applySettings(sub, deps);
}

/** Builds the `elmo` program; `tracker` (optional in tests) times commands through the root's hooks. */
export function createProgram(deps: CliDeps, options: { session: CliSession; tracker?: CommandTracker }): Command {
  const context: CommandContext = { deps, session: options.session };
  const program = new Command(ELMO.binary)
    .description('Set up, start and inspect a local Elmo deployment.')
    .version(deps.productVersion, '-V, --version', 'print the elmo version')
    .addHelpText('after', EXAMPLES);
  program.addCommand(makeInitCommand(context));
  program.addCommand(makeStartCommand(context));
  program.addCommand(makeStatusCommand(context));
  program.addCommand(makeTelemetryCommand(context));
  applySettings(program, deps);
  options.tracker?.attach(program);
  return program;
}
