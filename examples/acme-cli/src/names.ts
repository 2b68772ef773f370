import { defineCatalog, defineEvent, prop } from '@elmo/telemetry-core';
import type { ConsentNames } from '@elmo/telemetry-core/node';

/** Every name acme's users and scripts see; none of them is Elmo's. */
export const ACME = {
  binary: 'acme',
  env: {
    disable: 'ACME_TELEMETRY_DISABLED',
    policyFile: 'ACME_TELEMETRY_POLICY',
    posthogHost: 'ACME_POSTHOG_HOST',
    posthogKey: 'ACME_POSTHOG_KEY',
  },
  /** Keys of `$XDG_CONFIG_HOME/acme/config.json`. */
  config: { noticeSeen: 'telemetryNoticeSeen', anonymousId: 'anonymousId' },
} as const;

/**
 * acme's names for the core's consent rules. The rules, their order and their reasons are the core's; acme
 * only says what its switches are called. `DO_NOT_TRACK` is the cross-tool convention, so it keeps its name.
 */
export const ACME_CONSENT_NAMES: ConsentNames = {
  appName: 'acme',
  processEnv: { doNotTrack: 'DO_NOT_TRACK', disable: ACME.env.disable, policyFile: ACME.env.policyFile },
  defaultPolicyFile: '/etc/acme/telemetry.json',
  // acme has no deployment folder, so it names no deployment `.env` keys and that rule never applies.
  userConfig: { disabled: 'noTelemetry', mode: 'telemetry', choice: 'telemetryAnswer' },
  commands: { enable: 'acme telemetry enable', disable: 'acme telemetry disable' },
};

/** The commands `acme_command` may name; `telemetry …` is never tracked. */
export const TRACKED_COMMANDS = ['hello'] as const;
export type TrackedCommand = (typeof TRACKED_COMMANDS)[number];

/** acme's catalog: the only events and properties that can leave the machine. */
export const acmeCatalog = defineCatalog({
  // Raise it whenever what is collected changes: everyone then sees the first-run notice once more.
  consentVersion: 1,
  common: {
    // The core adds these two to every event; they are declared so that the catalog lists all that leaves.
    event_version: prop.count('Version of the event’s shape.'),
    session_id: prop.id('A random id for one acme run; never stored.'),
    product_version: prop.version('acme version.'),
    os: prop.enum(['linux', 'darwin', 'win32'], 'Operating system family.'),
  },
  neverCollected: ['arguments, names or any text you type', 'file paths, host names or anything about your machine'],
  events: [
    defineEvent({
      name: 'acme_command',
      purpose: 'An acme command ran: which one and how long it took.',
      version: 1,
      owner: '@acme/maintainers',
      question: 'Which acme commands are used, and how long do they take?',
      added: '0.1.0',
      // A usage metric: it stops being sent after this day unless a maintainer renews it.
      expires: { date: '2027-12-31' },
      properties: {
        command: prop.enum(TRACKED_COMMANDS, 'The command, without its arguments.'),
        duration_ms: prop.durationMs('How long the command took.'),
      },
    }),
  ],
});

/** The first-run notice (SPEC §3): what is collected and how to turn it off, on stderr, never a question. */
export function firstRunNotice(): string {
  return [
    'acme collects anonymous usage data (which command ran and how long it took; never arguments or paths).',
    'Nothing is sent during this run.',
    `Turn it off with \`acme telemetry disable\`, ${ACME.env.disable}=1 or DO_NOT_TRACK=1; see \`acme telemetry status\`.`,
  ].join('\n');
}
