import { Command } from 'commander';
import { makeHelloCommand } from './commands/hello.js';
import { makeTelemetryCommand } from './commands/telemetry.js';
import type { AcmeDeps } from './deps.js';
import { TRACKED_COMMANDS, type TrackedCommand } from './names.js';
import type { AcmeTelemetry } from './telemetry.js';

/** The tracked top-level command an action belongs to, or undefined (`telemetry …` is never tracked). */
function trackedName(action: Command): TrackedCommand | undefined {
  const name = action.name();
  return action.parent?.parent === null && (TRACKED_COMMANDS as readonly string[]).includes(name)
    ? (name as TrackedCommand)
    : undefined;
}

// `addCommand` passes no settings down: every command must throw instead of exiting, and write through deps.
function applySettings(command: Command, deps: AcmeDeps): void {
  command.exitOverride().configureOutput({ writeOut: deps.stdout, writeErr: deps.stderr });
  for (const sub of command.commands) applySettings(sub, deps);
}

/** Builds the `acme` program. Tracking lives in the root's hooks, so no command knows about telemetry. */
export function createProgram(deps: AcmeDeps, telemetry: AcmeTelemetry): Command {
  const program = new Command('acme')
    .description('A tiny example CLI with anonymous, opt-out telemetry.')
    .version(deps.productVersion)
    .addCommand(makeHelloCommand(deps))
    .addCommand(makeTelemetryCommand(deps));
  applySettings(program, deps);
  let startedAt = deps.now();
  program.hook('preAction', (_root, action) => {
    if (!trackedName(action)) return;
    startedAt = deps.now();
    // Before the command prints, so the notice leads; it goes to stderr and never waits for input.
    telemetry.showNoticeIfDue();
  });
  program.hook('postAction', (_root, action) => {
    const command = trackedName(action);
    if (command) telemetry.track(command, deps.now() - startedAt);
  });
  return program;
}
