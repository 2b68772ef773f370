import { statSync } from 'node:fs';
import {
  type ConsentDecision,
  type ConsentSourceKind,
  type ConsentVerdict,
  consentUnavailable,
  decideConsent,
  type TelemetryMode,
} from '../consent.js';
import { isTruthy } from '../truthy.js';
import { type EnvFileState, readEnvFile } from './env-file.js';
import { type JsonFileState, readJsonFile } from './json-file.js';
import { createLiveReader } from './live-file.js';
import { resolveUserPaths } from './paths.js';

type Env = Readonly<Record<string, string | undefined>>;

/** The names a product gives to every consent setting (SPEC §2); the core knows no product's names. */
export interface ConsentNames {
  /** The product's folder name under the XDG config home (`elmo` → `~/.config/elmo/config.json`). */
  appName: string;
  /** Variables read from the process environment; each can only turn telemetry off. */
  processEnv: { doNotTrack: string; disable: string; policyFile: string };
  /** The machine policy's default location, used when `processEnv.policyFile` is unset. */
  defaultPolicyFile: string;
  /** Keys of the deployment `.env`; a product without deployments has none, and that rule never applies. */
  deploymentEnv?: { doNotTrack: string; disable: string; mode: string };
  /** Keys of the user config. */
  userConfig: { disabled: string; mode: string; choice: string };
  /** The commands people use to change their choice, named in reasons. */
  commands: { enable: string; disable: string };
}

/**
 * Where one surface looks for consent. Plain data, so that a detached sender can be handed the same places
 * and ask the same rules before every batch.
 */
export interface ConsentPlaces {
  /** The CLI adds the rules that only concern a person's terminal: CI and a missing home folder. */
  surface: 'cli' | 'deployment';
  /** The process environment, or the subset of it that telemetry reads. */
  env: Env;
  /** The home folder the user config is found under (with `XDG_CONFIG_HOME` from `env`). */
  homedir: string;
  /** The deployment `.env`; undefined when this surface works on no deployment. */
  deploymentEnvFile?: string;
  /** CI detected (CLI only). */
  isCI?: boolean;
}

/** The files a decision was made from, as found, for status output and warnings. */
export interface ConsentFiles {
  policyFile: string;
  policy: JsonFileState;
  userConfigFile: string;
  userConfig: JsonFileState;
  deploymentEnvFile: string | undefined;
  deploymentEnv: EnvFileState;
}

/** Asks every consent rule, in their one order, and answers with the decision and its reason. */
export interface ConsentResolver {
  decide(): ConsentDecision;
  /** The files as the last decision read them. */
  files(): ConsentFiles;
  /** Re-read every file on the next decision (after this process wrote one). */
  invalidate(): void;
  /** A verdict that holds for the rest of this run only (the CLI's first-run notice). */
  holdForRun(verdict: ConsentVerdict): void;
  readonly places: ConsentPlaces;
}

/** Options of a resolver. */
export interface ConsentResolverOptions {
  /**
   * Long-running processes re-read files at most this often, and reuse the decision itself as long (they ask on every
   * event; their process environment does not change); 0 reads every time.
   */
  cacheMs?: number;
  /**
   * With `cacheMs` 0: keep what a file held while its modification time, size and inode stay the same (one stat
   * instead of a read and a parse). For a CLI run, which asks many times within milliseconds and writes through
   * atomic renames (a new inode).
   */
  reuseUnchanged?: boolean;
}

const MODES: readonly TelemetryMode[] = ['on', 'local', 'off'];
const MISSING: EnvFileState = { status: 'missing' };

function isMode(value: unknown): value is TelemetryMode {
  return typeof value === 'string' && (MODES as readonly string[]).includes(value);
}

// A boolean written by us, or a hand-edited string read with the one truthy parser.
function isDisabledFlag(value: unknown): boolean {
  return value === true || (typeof value === 'string' && isTruthy(value));
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** What the rules read: the environment, the files, and this run's own verdict. */
interface ConsentInputs {
  names: ConsentNames;
  places: ConsentPlaces;
  files: ConsentFiles;
  run: ConsentVerdict | undefined;
}

type Rule = (inputs: ConsentInputs) => ConsentVerdict | undefined;

/** 0. The machine policy caps every other setting; an unusable policy counts as `off`. */
const policyRule: Rule = ({ files }) => {
  const file = files.policyFile;
  const lockedBy = { kind: 'policy', file } as const;
  const state = files.policy;
  // SPEC §3 rule 0 applies "when present": no file, no cap.
  if (state.status === 'missing') return undefined;
  if (state.status !== 'ok')
    return {
      mode: 'off',
      source: 'policy',
      reason: `disabled because the policy file ${file} cannot be read`,
      lockedBy,
    };
  const maximum = state.data.maximum;
  if (!isMode(maximum))
    return {
      mode: 'off',
      source: 'policy',
      reason: `disabled because the policy file ${file} has no valid "maximum" (on, local or off)`,
      lockedBy,
    };
  if (maximum === 'on') return undefined;
  const what = maximum === 'off' ? 'disabled' : 'set to local only (nothing is sent)';
  return { mode: maximum, source: 'policy', reason: `${what} by the machine policy ${file}`, lockedBy };
};

/** 1–2. The process environment's kill switches: truthy disables; the environment never force-enables. */
const processEnvRule =
  (pick: (names: ConsentNames) => string): Rule =>
  ({ names, places }) => {
    const variable = pick(names);
    if (!isTruthy(places.env[variable])) return undefined;
    return {
      mode: 'off',
      source: 'process-env',
      reason: `disabled by the ${variable} environment variable`,
      lockedBy: { kind: 'process-env', variable },
    };
  };

/** A settings file that exists but cannot be read counts as `off` (most restrictive), naming the file to fix. */
function unusableFile(source: ConsentSourceKind, file: string): ConsentVerdict {
  return {
    mode: 'off',
    source,
    reason: `disabled because ${file} cannot be read`,
    lockedBy: { kind: 'unusable-file', file },
  };
}

/** 3. The deployment `.env`, read live: a hand-written DO_NOT_TRACK, the switch's DISABLE_TELEMETRY, the mode. */
const deploymentEnvRule: Rule = ({ names, files }) => {
  const file = files.deploymentEnvFile;
  const state = files.deploymentEnv;
  const keys = names.deploymentEnv;
  if (!keys || !file || state.status === 'missing') return undefined;
  const source = 'deployment-env';
  if (state.status !== 'ok') return unusableFile(source, file);
  if (isTruthy(state.values[keys.doNotTrack]))
    return {
      mode: 'off',
      source,
      reason: `disabled by ${keys.doNotTrack} in ${file}`,
      lockedBy: { kind: 'deployment-env', variable: keys.doNotTrack, file },
    };
  if (isTruthy(state.values[keys.disable]))
    return { mode: 'off', source, reason: `disabled by ${keys.disable} in ${file}` };
  const mode = state.values[keys.mode];
  if (mode === undefined || mode === '' || mode === 'on') return undefined;
  if (mode === 'local')
    return { mode, source, reason: `set to local only (nothing is sent) by ${keys.mode} in ${file}` };
  return { mode: 'off', source, reason: `disabled by ${keys.mode}=${mode} in ${file}` };
};

/** 4. The user config: covers the CLI and every deployment this user's CLI creates or starts. */
const userConfigRule: Rule = ({ names, files }) => {
  const file = files.userConfigFile;
  const state = files.userConfig;
  const source = 'user-config';
  if (state.status === 'missing') return undefined;
  if (state.status !== 'ok') return unusableFile(source, file);
  const keys = names.userConfig;
  const mode = state.data[keys.mode];
  const lockedBy = { kind: 'user-config', file } as const;
  // `telemetry local` also writes the disabled flag (kept in step, so a reader that knows no modes sends
  // nothing); beside mode `local` it means local, not off.
  if (mode === 'local')
    return { mode, source, reason: `set to local only (nothing is sent) by your choice in ${file}`, lockedBy };
  if (isDisabledFlag(state.data[keys.disabled]) || mode === 'off')
    return { mode: 'off', source, reason: `disabled by your choice in ${file}`, lockedBy };
  if (mode !== undefined && mode !== 'on')
    return { mode: 'off', source, reason: `disabled because ${file} has an unknown ${keys.mode}`, lockedBy };
  if (state.data[keys.choice] === 'enabled' || mode === 'on')
    return { mode: 'on', source, reason: 'enabled: you chose to share anonymous telemetry' };
  return undefined;
};

function hasExplicitChoice(inputs: ConsentInputs): boolean {
  const { userConfig } = inputs.files;
  const keys = inputs.names.userConfig;
  return (
    userConfig.status === 'ok' &&
    (userConfig.data[keys.choice] !== undefined || userConfig.data[keys.mode] !== undefined)
  );
}

/** 5. CLI in CI, with no explicit choice recorded: off, silently. */
// CI detection is asked last: it may load a module (ci-info), which a recorded choice makes needless.
const ciRule: Rule = (inputs) =>
  inputs.places.surface === 'cli' && !hasExplicitChoice(inputs) && inputs.places.isCI
    ? { mode: 'off', source: 'ci', reason: 'disabled in CI because no explicit consent was recorded' }
    : undefined;

/** A CLI never creates someone's home folder just to keep an id in it. */
const homeRule: Rule = ({ places }) => {
  if (places.surface !== 'cli' || isDirectory(places.homedir)) return undefined;
  return {
    mode: 'off',
    source: 'home',
    reason: places.homedir
      ? `disabled for this run because the home folder ${places.homedir} does not exist`
      : 'disabled for this run because no home folder is set (HOME is empty)',
  };
};

/** This run only: the first-run notice was shown, or the config could not be written. */
const runRule: Rule = ({ run }) => run;

/**
 * SPEC §3, the one ordered list. The most restrictive verdict wins; the order decides which of equally
 * restrictive verdicts is named as the reason. 6 (the default, enabled) is `decideConsent`'s fallback.
 */
const RULES: readonly Rule[] = [
  policyRule,
  processEnvRule((names) => names.processEnv.doNotTrack),
  processEnvRule((names) => names.processEnv.disable),
  deploymentEnvRule,
  userConfigRule,
  ciRule,
  homeRule,
  runRule,
];

/**
 * The verdicts of the rules in order, up to the first `off`: none after it can be more restrictive, and among
 * equally restrictive verdicts the first is named, so the decision is the same as with every rule asked. The
 * rules after it are not asked at all (the CI rule may load a module, the home rule reads the disk).
 */
function askUntilOff(inputs: ConsentInputs): (ConsentVerdict | undefined)[] {
  const verdicts: (ConsentVerdict | undefined)[] = [];
  for (const rule of RULES) {
    const verdict = rule(inputs);
    verdicts.push(verdict);
    if (verdict?.mode === 'off') break;
  }
  return verdicts;
}

/** Just the variables the rules read, so that places can be handed to another process without the rest. */
export function consentEnv(names: ConsentNames, env: Env): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of [...Object.values(names.processEnv), 'XDG_CONFIG_HOME']) {
    const value = env[name];
    if (value !== undefined) picked[name] = value;
  }
  return picked;
}

/** Creates the consent resolver for one surface. Reading a file never throws; a failure counts as `off`. */
export function createConsentResolver(
  names: ConsentNames,
  places: ConsentPlaces,
  options: ConsentResolverOptions = {},
): ConsentResolver {
  const cacheMs = options.cacheMs ?? 0;
  const policyFile = places.env[names.processEnv.policyFile] || names.defaultPolicyFile;
  const userConfigFile = resolveUserPaths(names.appName, places.env, places.homedir).configFile;
  const reader = <T>(path: string, read: (path: string) => T) =>
    cacheMs > 0 || options.reuseUnchanged
      ? createLiveReader(path, read, cacheMs)
      : Object.assign(() => read(path), { invalidate() {} });
  const readPolicy = reader(policyFile, readJsonFile);
  const readConfig = reader(userConfigFile, readJsonFile);
  const deploymentEnvFile = places.deploymentEnvFile;
  const readDeploymentEnv = deploymentEnvFile ? reader(deploymentEnvFile, readEnvFile) : undefined;
  let run: ConsentVerdict | undefined;
  let last: ConsentFiles | undefined;
  // The files it was made from are reused for cacheMs anyway: so is the decision, without walking the rules again.
  let reused: { decision: ConsentDecision; at: number } | undefined;

  const read = (): ConsentFiles => ({
    policyFile,
    policy: readPolicy(),
    userConfigFile,
    userConfig: readConfig(),
    deploymentEnvFile,
    deploymentEnv: readDeploymentEnv?.() ?? MISSING,
  });

  return {
    places,
    decide() {
      if (reused && Date.now() - reused.at < cacheMs) return reused.decision;
      try {
        last = read();
        const inputs: ConsentInputs = { names, places, files: last, run };
        const decision = decideConsent(askUntilOff(inputs));
        if (cacheMs > 0) reused = { decision, at: Date.now() };
        return decision;
      } catch (error) {
        return consentUnavailable(`disabled because consent could not be read (${String(error)})`);
      }
    },
    files: () => last ?? read(),
    invalidate() {
      reused = undefined;
      readPolicy.invalidate();
      readConfig.invalidate();
      readDeploymentEnv?.invalidate();
    },
    holdForRun(verdict) {
      reused = undefined;
      run = verdict;
    },
  };
}
