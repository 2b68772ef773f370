import {
  CLI_FLAGS,
  type CliErrorCode,
  type CliFlag,
  COMMAND_ALIASES,
  TRACKED_COMMANDS,
  type TrackedCommand,
} from '@elmo/elmo-telemetry';
import { usedFlagNames } from '@elmo/telemetry-core';
import type { Command } from 'commander';
import { deploymentDirFor } from '../deployment/deployment.js';
import type { CliDeps } from '../deps.js';
import { listDeclaredOptions, peekOptionValue, topLevelCommand } from '../program-options.js';
import type { CliSession } from './session.js';

/** How a command ended, as `cli_command` reports it. */
export type CommandStatus = 'success' | 'failure' | 'interrupted' | 'invalid';

/** Times every command through commander hooks and sends one `cli_command` per run (never for `telemetry …`). */
export interface CommandTracker {
  /** Registers the hooks on the root program. */
  attach(program: Command): void;
  /** The error path (main.ts): the command failed, was invalid or was interrupted. */
  fail(outcome: { status: Exclude<CommandStatus, 'success'>; errorCode: CliErrorCode }): void;
}

type AliasTyped = keyof typeof COMMAND_ALIASES;

const tracked = new Set<string>(TRACKED_COMMANDS);
const flagNames = new Set<string>(CLI_FLAGS);
// `init` asks about telemetry itself, so it decides when the notice is due (after its answers are saved).
const commandsThatAsk = new Set(['init']);

function isTrackedCommand(name: string): name is TrackedCommand {
  return tracked.has(name) && name !== 'unknown';
}

function isAliasTyped(token: string | undefined): token is AliasTyped {
  return token !== undefined && Object.hasOwn(COMMAND_ALIASES, token);
}

/** Creates the tracker of one run; `deps.now()` at creation is the command's start. */
export function createCommandTracker(deps: CliDeps, session: CliSession): CommandTracker {
  const startedAt = deps.now();
  let program: Command | undefined;
  // The top-level command commander dispatched to, known even when its options then fail to parse.
  let dispatched: Command | undefined;
  let recorded = false;
  let actionStarted = false;

  const record = (status: CommandStatus, errorCode?: CliErrorCode) => {
    if (recorded) return;
    recorded = true;
    const command = dispatched ? dispatched.name() : 'unknown';
    if (dispatched && !isTrackedCommand(command)) return;
    // Nothing is sent before the first-run notice was shown. A failed run keeps its error to one line, so it
    // sends nothing and leaves the notice to the next run; a successful one shows it now (and sends nothing).
    if (status === 'success' ? session.showNoticeIfDue() : session.isNoticeDue()) return;
    // The first word that is not an option is what was typed for the command (options come after it).
    const typed = deps.argv.find((token) => !token.startsWith('-'));
    const declared = program ? listDeclaredOptions(program) : [];
    // A function: the terminal and CI checks it reads are not even loaded while telemetry is off.
    session.track('cli_command', () => ({
      command: command as TrackedCommand,
      ...(dispatched && isAliasTyped(typed) && typed !== command ? { called_as: typed } : {}),
      duration_ms: deps.now() - startedAt,
      status,
      ...(errorCode ? { error_code: errorCode } : {}),
      is_interactive: deps.isTTY,
      is_ci: deps.isCI,
      // Only names the catalog allows: one unknown name would make the sanitiser drop the whole list.
      flags: usedFlagNames(deps.argv, declared).filter((name): name is CliFlag => flagNames.has(name)),
    }));
  };

  return {
    attach(root) {
      program = root;
      root.hook('preSubcommand', (_root, sub) => {
        dispatched = sub;
      });
      root.hook('preAction', (_root, action) => {
        actionStarted = true;
        session.useDeployment(deploymentDirFor(deps, action.opts().dir as string | undefined));
        const top = topLevelCommand(action);
        if (!isTrackedCommand(top.name()) || commandsThatAsk.has(top.name())) return;
        session.warnUnreadableFiles();
        session.showNoticeIfDue();
      });
      root.hook('postAction', () => record('success'));
    },
    fail({ status, errorCode }) {
      if (!actionStarted) {
        // Commander stopped before any action: read --dir ourselves so consent sees the right deployment.
        session.useDeployment(deploymentDirFor(deps, peekOptionValue(deps.argv, 'dir')));
      }
      record(status, errorCode);
    },
  };
}
