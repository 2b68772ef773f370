import { PROVIDERS, type Provider } from '@elmo/elmo-telemetry';
import { CliError, USAGE_EXIT_CODE } from '../cli-error.js';
import {
  isProvider,
  missingProviderVariables,
  type ProviderVariable,
  providerValueProblem,
  providerVariables,
} from '../deployment/provider-env.js';
import type { CliDeps, Env } from '../deps.js';
import type { PromptOption } from '../prompts/prompter.js';

/** The providers chosen in `init`, and the `.env` values (keys, base URLs) to write for them. */
export interface ProviderChoice {
  providers: Provider[];
  /** Secret: written to the deployment `.env` only, never printed, logged or sent. */
  values: Record<string, string>;
}

type Values = Readonly<Record<string, string | undefined>>;

const OPTIONS: PromptOption<Provider>[] = [
  { value: 'offline', label: 'Offline', hint: 'built in, deterministic, no network and no key' },
  { value: 'openai', label: 'OpenAI', hint: 'needs an API key' },
  { value: 'anthropic', label: 'Anthropic', hint: 'needs an API key' },
  {
    value: 'openai_compatible',
    label: 'OpenAI-compatible server',
    hint: 'a base URL, e.g. a local model server; key optional',
  },
];

/**
 * The providers named by `--provider` (repeatable; a comma list works too), in order, without repeats; undefined
 * when none was given. An unknown name is a usage error (exit code 2, one line).
 */
export function parseProviderFlags(flags: readonly string[] | undefined): Provider[] | undefined {
  if (flags === undefined) return undefined;
  const names = flags.flatMap((flag) => flag.split(',')).map((name) => name.trim().toLowerCase());
  const unknown = names.filter((name) => !isProvider(name));
  if (unknown.length > 0 || names.length === 0) {
    const shown = unknown.map((name) => `"${name}"`).join(', ') || '""';
    throw new CliError(
      'invalid_provider',
      `--provider ${shown} is not a provider Elmo knows; choose from ${PROVIDERS.join(', ')}`,
      USAGE_EXIT_CODE,
    );
  }
  return [...new Set(names.filter(isProvider))];
}

// A variable is asked for on a terminal when it is required, or is a key (an optional one for a local server);
// an optional base URL of a hosted API only comes from the environment.
const isAsked = (variable: ProviderVariable) => variable.required || variable.kind === 'key';

function checked(variable: ProviderVariable, value: string): string {
  const problem = providerValueProblem(variable, value);
  if (problem) throw new CliError('invalid_provider', problem, USAGE_EXIT_CODE);
  return value.trim();
}

/**
 * Without a terminal: each key and base URL comes from the process environment variable of the same name (never
 * from the command line, where `ps` shows it to everyone), else stays as the deployment `.env` has it. A required
 * one found in neither is refused (missing_provider_key, exit code 2) before anything is written.
 */
export function providersFromEnvironment(providers: Provider[], env: Env, current: Values): ProviderChoice {
  const values: Record<string, string> = {};
  for (const variable of providerVariables(providers)) {
    const given = env[variable.name]?.trim();
    if (given) values[variable.name] = checked(variable, given);
  }
  const missing = missingProviderVariables(providers, { ...current, ...values });
  if (missing.length > 0) {
    const names = missing.map((variable) => variable.name);
    throw new CliError(
      'missing_provider_key',
      `--provider ${providers.join(',')} needs ${names.join(' and ')}: set ${names.length > 1 ? 'them' : 'it'} in the environment of \`elmo init\` (keys are never taken from the command line)`,
      USAGE_EXIT_CODE,
    );
  }
  return { providers, values };
}

async function askValue(
  deps: CliDeps,
  variable: ProviderVariable,
  existing: string | undefined,
): Promise<string | undefined> {
  const keeps = existing ? ' (Enter keeps the one already set)' : '';
  const validate = (input: string) => {
    if (!input.trim()) return variable.required && !existing ? `${variable.name} is needed` : undefined;
    return providerValueProblem(variable, input);
  };
  const answer =
    variable.kind === 'key'
      ? await deps.prompter.password({ message: `${variable.label}${keeps}`, validate })
      : await deps.prompter.text({
          message: variable.label,
          placeholder: 'http://127.0.0.1:8000/v1',
          initialValue: existing,
          validate,
        });
  return answer.trim() || existing;
}

/**
 * On a terminal: which providers (unless `--provider` said so), then each one's key or base URL, masked. With
 * `--provider`, only what the environment and the `.env` do not already hold is asked.
 */
export async function askProviders(
  deps: CliDeps,
  preset: Provider[] | undefined,
  current: { providers: Provider[]; values: Values },
): Promise<ProviderChoice> {
  const providers =
    preset ??
    (await deps.prompter.multiselect({
      message: 'Which model providers should reports ask?',
      options: OPTIONS,
      initialValues: current.providers,
      required: true,
    }));
  const values: Record<string, string> = {};
  for (const variable of providerVariables(providers)) {
    const fromEnv = deps.env[variable.name]?.trim() || undefined;
    const existing = fromEnv ?? current.values[variable.name];
    let value: string | undefined;
    if (!isAsked(variable) || (preset && existing)) value = fromEnv && checked(variable, fromEnv);
    else value = await askValue(deps, variable, existing);
    // Only what changes is written: a value the .env already holds stays as it is.
    if (value && value !== current.values[variable.name]) values[variable.name] = value;
  }
  return { providers, values };
}
