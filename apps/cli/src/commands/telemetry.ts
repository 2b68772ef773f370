import { Command } from 'commander';
import type { CommandContext } from '../command-context.js';
import { makeTelemetryLocalCommand } from './telemetry-local.js';
import { makeTelemetryLogCommand } from './telemetry-log.js';
import { makeResetIdCommand } from './telemetry-reset-id.js';
import { makeTelemetryStatusCommand } from './telemetry-status.js';
import { makeTelemetryToggleCommand } from './telemetry-toggle.js';

/** Declares `elmo telemetry …`; none of its commands is ever tracked or sends anything. */
export function makeTelemetryCommand(context: CommandContext): Command {
  return new Command('telemetry')
    .description('Show or change what anonymous telemetry elmo sends')
    .addCommand(makeTelemetryStatusCommand(context))
    .addCommand(makeTelemetryToggleCommand(context, true))
    .addCommand(makeTelemetryLocalCommand(context))
    .addCommand(makeTelemetryToggleCommand(context, false))
    .addCommand(makeTelemetryLogCommand(context))
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
