import { Command, Option } from 'commander';
import { type CommandContext, dirOption } from '../command-context.js';
import type { TelemetryLocalOptions } from './telemetry-local.js';
import type { TelemetryLogOptions } from './telemetry-log.js';
import type { ResetIdOptions } from './telemetry-reset-id.js';
import type { TelemetryStatusOptions } from './telemetry-status.js';
import type { TelemetryToggleOptions } from './telemetry-toggle.js';

// Only the declarations (names, options, help texts) live here: each subcommand's module is loaded when it runs.

/** How many events `elmo telemetry log` prints without -n. */
export const DEFAULT_LOG_LINES = 20;

const FORGET_HELP = `
--forget sends one deletion_request event per id (install id, deployment id), keyed by that id and carrying
nothing else, even though telemetry is now off; the maintainers then delete every event of those ids. The ids
are replaced, so nothing sent later links to them.

Examples:
  $ elmo telemetry disable                     off for the CLI and the deployment in ~/.elmo
  $ elmo telemetry disable --forget            off, and ask for what was sent to be deleted
  $ elmo telemetry disable --forget --dir ./my-elmo
`;

function makeStatusCommand(context: CommandContext): Command {
  return new Command('status')
    .description('Show whether telemetry is on, why, both ids and where events go')
    .addOption(dirOption())
    .addOption(new Option('--json', 'print one JSON object (ids unmasked)'))
    .action(async (options: TelemetryStatusOptions) =>
      (await import('./telemetry-status.js')).runTelemetryStatus(context, options),
    );
}

function makeToggleCommand(context: CommandContext, enabled: boolean): Command {
  const command = new Command(enabled ? 'enable' : 'disable')
    .description(
      enabled
        ? 'Turn telemetry on (user config and deployment .env)'
        : 'Turn telemetry off (user config and deployment .env) and drop unsent events',
    )
    .addOption(dirOption())
    .action(async (options: TelemetryToggleOptions) =>
      (await import('./telemetry-toggle.js')).runTelemetryToggle(context, enabled, options),
    );
  if (enabled) return command;
  return command
    .addOption(new Option('--forget', 'also replace both ids and send one deletion request for each old id'))
    .addHelpText('after', FORGET_HELP);
}

function makeLocalCommand(context: CommandContext): Command {
  return new Command('local')
    .description('Record events in the local log only, send nothing (user config and deployment .env)')
    .addOption(dirOption())
    .addHelpText(
      'after',
      `
Examples:
  $ elmo telemetry local                 local only for the CLI and the deployment in ~/.elmo
  $ elmo telemetry local --dir ./elmo    the same for the deployment in ./elmo
  $ elmo telemetry log                   what was recorded (status "local")
  $ elmo telemetry enable                send again

A machine policy (ELMO_TELEMETRY_POLICY, default /etc/elmo/telemetry.json) or a kill switch such as DO_NOT_TRACK
can keep telemetry off; \`elmo telemetry status\` says which.`,
    )
    .action(async (options: TelemetryLocalOptions) =>
      (await import('./telemetry-local.js')).runTelemetryLocal(context, options),
    );
}

function makeLogCommand(context: CommandContext): Command {
  return new Command('log')
    .description('Print the latest telemetry events sent, or that would have been')
    .addOption(dirOption())
    .addOption(new Option('-n, --lines <n>', `how many events (default ${DEFAULT_LOG_LINES}; with --since, all)`))
    .addOption(new Option('--since <when>', 'only events since then: 30m, 24h, 7d, or an ISO date/time'))
    .addOption(new Option('--json', 'print one JSON object per line (JSON Lines), as stored'))
    .addHelpText(
      'after',
      `
Examples:
  $ elmo telemetry log -n 5                      the last five events, oldest first
  $ elmo telemetry log --since 24h               everything recorded in the last day
  $ elmo telemetry log --since 2026-01-31 --json | jq -c 'select(.status == "sent")'
`,
    )
    .action(async (options: TelemetryLogOptions) =>
      (await import('./telemetry-log.js')).runTelemetryLog(context, options),
    );
}

function makeResetIdCommand(context: CommandContext): Command {
  return new Command('reset-id')
    .description('Replace the anonymous install id with a new random one')
    .addOption(dirOption())
    .action(async (options: ResetIdOptions) => (await import('./telemetry-reset-id.js')).runResetId(context, options));
}

/** Declares `elmo telemetry …`; none of its commands is ever tracked or sends anything. */
export function makeTelemetryCommand(context: CommandContext): Command {
  return new Command('telemetry')
    .description('Show or change what anonymous telemetry elmo sends')
    .addCommand(makeStatusCommand(context))
    .addCommand(makeToggleCommand(context, true))
    .addCommand(makeLocalCommand(context))
    .addCommand(makeToggleCommand(context, false))
    .addCommand(makeLogCommand(context))
    .addCommand(makeResetIdCommand(context))
    .addHelpText(
      'after',
      `
Examples:
  $ elmo telemetry status --json     the decision, its reason and both ids, for scripts
  $ elmo telemetry disable           off for the CLI and the deployment in ~/.elmo
  $ elmo telemetry local             record events in the local log only, send nothing
  $ elmo telemetry log -n 5          the last five events sent (or that would have been)
`,
    );
}
