import { databaseUrlProblem } from '@elmo/app-shared';
import { collectedSummary, elmoCatalog, isValidEmail } from '@elmo/elmo-telemetry';
import { CliError, USAGE_EXIT_CODE } from '../cli-error.js';
import type { CliDeps } from '../deps.js';

/** Options of `elmo init`, as commander parses them. */
export interface InitOptions {
  dir?: string;
  yes?: boolean;
  /** `--telemetry` → true, `--no-telemetry` → false, neither → undefined. */
  telemetry?: boolean;
  email?: string;
  databaseUrl?: string;
}

/** The database choice; `explicit: false` means "keep whatever the .env says". */
export type DatabaseChoice = { mode: 'embedded' | 'postgres'; url?: string; explicit: boolean };

/** Everything `init` needs to know, from flags or from the questions it asked. */
export interface InitAnswers {
  database: DatabaseChoice;
  /** undefined: not answered, so nothing is recorded and the first-run notice rules apply. */
  telemetry: boolean | undefined;
  email: string | undefined;
  newsletterAnswered: boolean;
  interactive: boolean;
}

/** What `init` found before asking, so defaults reflect the current deployment. */
export interface InitDefaults {
  databaseUrl?: string;
  telemetryDeclined: boolean;
  /** Set when an environment variable forces telemetry off: the question would have no effect, so it is not asked. */
  telemetryForcedOff?: string;
}

/** The problem with a newsletter address, or undefined when it is valid. */
export function emailProblem(value: string): string | undefined {
  return isValidEmail(value.trim()) ? undefined : `"${value}" is not a valid email address`;
}

/** Refuses invalid flag values before anything is asked or written (exit code 2, one line). */
export function checkInitFlags(options: InitOptions): void {
  const email = options.email === undefined ? undefined : emailProblem(options.email);
  if (email) throw new CliError('invalid_email', `--email: ${email}`, USAGE_EXIT_CODE);
  const url = options.databaseUrl === undefined ? undefined : databaseUrlProblem(options.databaseUrl);
  if (url) throw new CliError('invalid_database_url', `--database-url ${url}`, USAGE_EXIT_CODE);
}

/** Whether `init` asks questions: only on a terminal, never in CI, never with --yes. */
export function isInteractive(deps: Pick<CliDeps, 'isTTY' | 'isCI'>, options: InitOptions): boolean {
  return deps.isTTY && !deps.isCI && !options.yes;
}

/** The what-is / what-is-not collected list shown before the telemetry question, generated from the catalog. */
export function telemetrySummary(): string {
  const { collected, neverCollected } = collectedSummary(elmoCatalog);
  return [
    'Collected (anonymous, no names or text):',
    ...collected.map((line) => `  • ${line}`),
    'Never collected:',
    ...neverCollected.map((line) => `  • ${line.replace(/`/g, '')}`),
    'Change it any time: elmo telemetry disable (or DO_NOT_TRACK=1). Details: docs/TELEMETRY.md',
  ].join('\n');
}

async function askDatabase(deps: CliDeps, defaults: InitDefaults): Promise<DatabaseChoice> {
  const mode = await deps.prompter.select({
    message: 'Which database should Elmo use?',
    options: [
      { value: 'embedded', label: 'Embedded', hint: 'PGlite, stored in the deployment folder; nothing to install' },
      { value: 'postgres', label: 'An existing PostgreSQL', hint: 'you give its URL' },
    ],
    initialValue: defaults.databaseUrl ? 'postgres' : 'embedded',
  });
  if (mode === 'embedded') return { mode, explicit: true };
  const url = await deps.prompter.text({
    message: 'PostgreSQL URL',
    placeholder: 'postgres://elmo@localhost:5432/elmo',
    initialValue: defaults.databaseUrl,
    validate: databaseUrlProblem,
  });
  return { mode, url: url.trim(), explicit: true };
}

async function askEmail(deps: CliDeps): Promise<string | undefined> {
  const wanted = await deps.prompter.confirm({ message: 'Email me product updates?', initialValue: false });
  if (!wanted) return undefined;
  const email = await deps.prompter.text({
    message: 'Your email address',
    placeholder: 'you@example.com',
    // An invalid address is asked again, with the reason.
    validate: emailProblem,
  });
  return email.trim();
}

/** Gathers the answers: flags first, then (on a terminal) the questions the flags did not answer. */
export async function gatherAnswers(deps: CliDeps, options: InitOptions, defaults: InitDefaults): Promise<InitAnswers> {
  const interactive = isInteractive(deps, options);
  const flagDatabase: DatabaseChoice | undefined = options.databaseUrl
    ? { mode: 'postgres', url: options.databaseUrl, explicit: true }
    : undefined;
  if (!interactive) {
    return {
      database: flagDatabase ?? { mode: defaults.databaseUrl ? 'postgres' : 'embedded', explicit: false },
      telemetry: options.telemetry,
      email: options.email?.trim(),
      newsletterAnswered: options.email !== undefined,
      interactive,
    };
  }
  await deps.prompter.intro('elmo init');
  const database = flagDatabase ?? (await askDatabase(deps, defaults));
  let telemetry = options.telemetry;
  if (telemetry === undefined && defaults.telemetryForcedOff) {
    await deps.prompter.note(`Telemetry is off: ${defaults.telemetryForcedOff}.`, 'Telemetry');
  } else if (telemetry === undefined) {
    await deps.prompter.note(telemetrySummary(), 'Anonymous telemetry');
    telemetry = await deps.prompter.confirm({
      message: 'Share anonymous telemetry?',
      initialValue: !defaults.telemetryDeclined,
    });
  }
  const email = options.email !== undefined ? options.email.trim() : await askEmail(deps);
  return { database, telemetry, email, newsletterAnswered: true, interactive };
}
