import { databaseUrlProblem } from '@elmo/app-shared';
import { collectedSummary, elmoCatalog, type InitStep, isValidEmail, type Provider } from '@elmo/elmo-telemetry';
import { CliError, USAGE_EXIT_CODE } from '../cli-error.js';
import type { CliDeps } from '../deps.js';
import { askProviders, type ProviderChoice, parseProviderFlags, providersFromEnvironment } from './init-providers.js';

/** Options of `elmo init`, as commander parses them. */
export interface InitOptions {
  dir?: string;
  yes?: boolean;
  /** `--telemetry` → true, `--no-telemetry` → false, neither → undefined. */
  telemetry?: boolean;
  email?: string;
  databaseUrl?: string;
  /** Repeated `--provider <name>` values, as given. */
  provider?: string[];
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
  /** undefined: not chosen, so the `.env` keeps the providers (and keys) it has. */
  providers: ProviderChoice | undefined;
  interactive: boolean;
}

/** What `init` found before asking, so defaults reflect the current deployment. */
export interface InitDefaults {
  databaseUrl?: string;
  telemetryDeclined: boolean;
  /** Set when an environment variable forces telemetry off: the question would have no effect, so it is not asked. */
  telemetryForcedOff?: string;
  /** The providers the deployment `.env` names now (`offline` when none), and its values (for keys kept). */
  providers: Provider[];
  envValues: Readonly<Record<string, string>>;
}

/** What `init` does as the questions go: where it is (for `cli_init.last_step`), and the telemetry answer at once. */
export interface InitProgress {
  step(step: InitStep): void;
  /** The database chosen (an interrupted init still reports the choices made before it stopped). */
  databaseChosen(mode: DatabaseChoice['mode']): void;
  /** Called as soon as the telemetry question is answered, so that the choice holds for the rest of `init`. */
  telemetryAnswered(answer: boolean): void;
  providersChosen(providers: Provider[]): void;
}

const NO_PROGRESS: InitProgress = { step() {}, databaseChosen() {}, telemetryAnswered() {}, providersChosen() {} };

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
  parseProviderFlags(options.provider);
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

/**
 * Gathers the answers: flags first, then (on a terminal) the questions the flags did not answer, in the order of
 * INIT_STEPS. Without a terminal, a provider's key missing from the environment is refused before anything is
 * written.
 */
export async function gatherAnswers(
  deps: CliDeps,
  options: InitOptions,
  defaults: InitDefaults,
  progress: InitProgress = NO_PROGRESS,
): Promise<InitAnswers> {
  const interactive = isInteractive(deps, options);
  const flagDatabase: DatabaseChoice | undefined = options.databaseUrl
    ? { mode: 'postgres', url: options.databaseUrl, explicit: true }
    : undefined;
  const flagProviders = parseProviderFlags(options.provider);
  if (!interactive) {
    return {
      database: flagDatabase ?? { mode: defaults.databaseUrl ? 'postgres' : 'embedded', explicit: false },
      telemetry: options.telemetry,
      email: options.email?.trim(),
      newsletterAnswered: options.email !== undefined,
      providers: flagProviders && providersFromEnvironment(flagProviders, deps.env, defaults.envValues),
      interactive,
    };
  }
  await deps.prompter.intro('elmo init');
  progress.step('database');
  const database = flagDatabase ?? (await askDatabase(deps, defaults));
  progress.databaseChosen(database.mode);
  progress.step('telemetry');
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
  if (telemetry !== undefined) progress.telemetryAnswered(telemetry);
  progress.step('providers');
  const providers = await askProviders(deps, flagProviders, {
    providers: defaults.providers,
    values: defaults.envValues,
  });
  progress.providersChosen(providers.providers);
  progress.step('newsletter');
  const email = options.email !== undefined ? options.email.trim() : await askEmail(deps);
  return { database, telemetry, email, newsletterAnswered: true, providers, interactive };
}
