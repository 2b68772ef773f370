import { describeLock, type TelemetryMode } from '@elmo/telemetry-core';
import { FileStateError, openSpool, saveTelemetryChoice } from '@elmo/telemetry-core/node';
import { Command } from 'commander';
import { type AcmeDeps, AcmeError } from '../deps.js';
import { ACME, ACME_CONSENT_NAMES, acmeCatalog } from '../names.js';
import { acmeConsent, acmePaths, resolveDestination } from '../telemetry.js';

const { enable: ENABLE } = ACME_CONSENT_NAMES.commands;

/** `acme telemetry status`: the decision and its reason, from the same rules every run asks. Writes nothing. */
function status(deps: AcmeDeps, json: boolean): void {
  const paths = acmePaths(deps);
  const decision = acmeConsent(deps).decide();
  const destination = resolveDestination(deps.env);
  const pending = openSpool(paths.spoolFile).read().length;
  if (json) {
    const report = { ...decision, configPath: paths.configFile, endpoint: destination?.host ?? null, pending };
    deps.stdout(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  const lines = [
    `Telemetry: ${decision.enabled ? 'enabled' : decision.mode === 'local' ? 'local only' : 'disabled'}`,
    `  why:          ${decision.reason}`,
    ...(decision.lockedBy ? [`  locked by:    ${describeLock(decision.lockedBy, ENABLE)}`] : []),
    `  config:       ${paths.configFile}`,
    `  destination:  ${destination ? `PostHog at ${destination.host}` : `nowhere (no ${ACME.env.posthogKey} set)`}`,
    `  pending:      ${pending} event(s)`,
    decision.enabled
      ? `Turn it off:   acme telemetry disable (or ${ACME.env.disable}=1 / DO_NOT_TRACK=1 for one command)`
      : `Turn it on:    ${ENABLE} (environment variables can only turn it off)`,
  ];
  deps.stdout(`${lines.join('\n')}\n`);
}

/** `acme telemetry enable|disable`: the core's one writer records the choice; never tracked, sends nothing. */
function save(deps: AcmeDeps, mode: TelemetryMode): void {
  const paths = acmePaths(deps);
  let changes: ReturnType<typeof saveTelemetryChoice>;
  try {
    changes = saveTelemetryChoice(ACME_CONSENT_NAMES, mode, {
      userConfigFile: paths.configFile,
      // An explicit choice means the person knows what is collected: no first-run notice after it.
      extraConfig: () => ({ [ACME.config.noticeSeen]: acmeCatalog.consentVersion }),
    });
  } catch (error) {
    if (error instanceof FileStateError) throw new AcmeError(`${error.message}; fix or delete it, then try again`);
    throw error;
  }
  const lines = [`Telemetry ${mode === 'on' ? 'enabled' : 'disabled'}.`];
  for (const change of changes) lines.push(`  ${change.file}: ${change.changes.join(', ') || 'already set'}`);
  if (mode === 'off') {
    // Withdrawn consent drops what is waiting, rather than leaving it for a sender that will never come.
    const spool = openSpool(paths.spoolFile);
    spool.remove(spool.read().map((event) => event.uuid));
  }
  const after = acmeConsent(deps).decide();
  if (mode === 'on' && !after.enabled) lines.push(`Telemetry is still off: ${after.reason}.`);
  deps.stdout(`${lines.join('\n')}\n`);
}

/** `acme telemetry …`. */
export function makeTelemetryCommand(deps: AcmeDeps): Command {
  const telemetry = new Command('telemetry').description('Show or change whether acme sends anonymous usage data');
  telemetry
    .command('status')
    .description('Show whether telemetry is on and why')
    .option('--json', 'print one JSON object')
    .action((options: { json?: boolean }) => status(deps, Boolean(options.json)));
  telemetry
    .command('enable')
    .description('Turn telemetry on')
    .action(() => save(deps, 'on'));
  telemetry
    .command('disable')
    .description('Turn telemetry off and drop unsent events')
    .action(() => save(deps, 'off'));
  return telemetry;
}
