import { type DatabaseMode, ELMO, type InitStep, type Provider, readDeploymentSettings } from '@elmo/elmo-telemetry';
import { cliPaths, saveElmoTelemetryChoice } from '@elmo/elmo-telemetry/node';
import { changeEnvFile, maskId, readJsonFile } from '@elmo/telemetry-core/node';
import { CliError, INTERRUPTED_EXIT_CODE, isCliError } from '../cli-error.js';
import { type CommandContext, printLines } from '../command-context.js';
import { deploymentDirFor, readDeployment } from '../deployment/deployment.js';
import type { CliDeps } from '../deps.js';
import { readConsentSnapshot } from '../telemetry/consent-snapshot.js';
import { assertWritable, saveChoice } from '../telemetry/telemetry-choice.js';
import {
  checkInitFlags,
  gatherAnswers,
  type InitAnswers,
  type InitOptions,
  type InitProgress,
  isInteractive,
} from './init-answers.js';

const ENV_HEADER = `# Elmo deployment settings, written by \`elmo init\`. Edit freely: elmo keeps your lines and comments.
# DISABLE_TELEMETRY=1 turns telemetry off for this deployment (see \`elmo telemetry status\`).
`;

function telemetryLine(answers: InitAnswers, files: string[], stillOff: string | undefined): string {
  if (answers.telemetry === undefined) return 'unchanged (pass --telemetry or --no-telemetry to record a choice)';
  const state = answers.telemetry ? 'on' : 'off';
  const where = `recorded in ${files.join(' and ')}`;
  return answers.telemetry && stillOff ? `${state}, ${where}; still off for now: ${stillOff}` : `${state}, ${where}`;
}

/**
 * A promise that rejects with `interrupted` on Ctrl-C or SIGTERM while the questions are asked (a signal outside a
 * prompt; inside one, the prompt library turns Ctrl-C into a cancel), so that init ends through its own error path
 * and can tell where it stopped. `release` gives the signals back.
 */
function interruption(deps: CliDeps): { interrupted: Promise<never>; release: () => void } {
  let release = () => {};
  const interrupted = new Promise<never>((_, reject) => {
    release = deps.onInterrupt(() => reject(new CliError('interrupted', 'interrupted', INTERRUPTED_EXIT_CODE)));
  });
  return { interrupted, release };
}

/**
 * `elmo init`: creates or updates the deployment `.env` (keeping every existing line, DEPLOYMENT_ID above all),
 * records the telemetry choice in both places, and sends `cli_init` and, if asked for, the newsletter signup.
 */
export async function runInit(context: CommandContext, options: InitOptions): Promise<void> {
  const { deps, session } = context;
  checkInitFlags(options);
  const dir = deploymentDirFor(deps, options.dir);
  const deployment = readDeployment(dir);
  const { configFile } = cliPaths(deps.env, deps.homedir);
  const config = readJsonFile(configFile);
  // Refuse before asking anything: a corrupt file we would have to write is never replaced.
  assertWritable(deployment.paths.envFile, deployment.env, 'elmo init');
  if (options.telemetry !== undefined || isInteractive(deps, options)) assertWritable(configFile, config, 'elmo init');

  const consent = readConsentSnapshot(deps, dir).decision;
  const envFile = deployment.paths.envFile;
  const configuredProviders = readDeploymentSettings(deployment.values).settings.providers;
  // An explicit choice recorded by an earlier `init` or `telemetry enable|local|disable`.
  const hadChoice = config.status === 'ok' && config.data[ELMO.configKeys.telemetryChoice] !== undefined;
  // What an interrupted init reports: the step it stopped at and the (non-secret) choices made before it.
  let step: InitStep = 'database';
  let telemetryAnswer: boolean | undefined;
  const chosen: { database_mode?: DatabaseMode; providers?: Provider[] } = {};
  const progress: InitProgress = {
    step(reached) {
      step = reached;
    },
    databaseChosen(mode) {
      chosen.database_mode = mode;
    },
    providersChosen(providers) {
      chosen.providers = providers;
    },
    telemetryAnswered(answer) {
      telemetryAnswer = answer;
      // Saved at once, so that the choice governs the rest of init, an interruption included. A deployment `.env`
      // is only created with the others at the end; an existing one is brought in step now.
      saveChoice(
        answer ? 'on' : 'off',
        { userConfigFile: configFile, ...(deployment.exists ? { deploymentEnvFile: envFile } : {}) },
        'elmo init',
      );
    },
  };
  const { interrupted, release } = interruption(deps);
  let answers: InitAnswers;
  try {
    const gathering = gatherAnswers(
      deps,
      options,
      {
        databaseUrl: deployment.values.DATABASE_URL,
        telemetryDeclined: !consent.enabled,
        // Asking would change nothing while a setting init does not write forces the state.
        telemetryForcedOff: consent.lockedBy && consent.lockedBy.kind !== 'user-config' ? consent.reason : undefined,
        providers: configuredProviders,
        envValues: deployment.values,
      },
      progress,
    );
    answers = await Promise.race([gathering, interrupted]);
  } catch (error) {
    // Where init drops off (SPEC §5): only once telemetry was allowed, in this run or before it, and never in a run
    // that owes the first-run notice; session.track still asks consent, so every opt-out holds.
    const allowed = telemetryAnswer !== undefined || hadChoice;
    if (isCliError(error) && error.code === 'interrupted' && allowed && !session.isNoticeDue()) {
      session.track('cli_init', {
        ...chosen,
        telemetry_answered: telemetryAnswer !== undefined,
        newsletter_answered: false,
        deployment_existed: deployment.exists,
        is_interactive: isInteractive(deps, options),
        completed: false,
        last_step: step,
      });
    }
    throw error;
  } finally {
    release();
  }

  const providerChoice = answers.providers;
  const env = changeEnvFile(
    envFile,
    (values) => ({
      ...(values[ELMO.env.deploymentId] ? {} : { [ELMO.env.deploymentId]: deps.uuid() }),
      ...(values.ELMO_INTERNAL_TOKEN ? {} : { ELMO_INTERNAL_TOKEN: deps.secret() }),
      ...(answers.database.explicit ? { DATABASE_URL: answers.database.url ?? null } : {}),
      // Keys and base URLs live in the deployment .env only: never in the user config, a log line or an event.
      ...(providerChoice ? { [ELMO.env.providers]: providerChoice.providers.join(','), ...providerChoice.values } : {}),
    }),
    { header: ENV_HEADER },
  );
  const providers = providerChoice?.providers ?? configuredProviders;
  if (answers.telemetry !== undefined) {
    saveChoice(
      answers.telemetry ? 'on' : 'off',
      { userConfigFile: configFile, deploymentEnvFile: envFile },
      'elmo init',
    );
  } else if (consent.source === 'user-config' && !consent.enabled) {
    // The user's own `elmo telemetry disable` covers the deployments their elmo creates (SPEC §3 rule 4): the
    // components read it live, and the new .env says so too, for whoever runs the deployment later.
    saveElmoTelemetryChoice(consent.mode, { deploymentEnvFile: envFile });
  }

  const databaseMode = answers.database.explicit
    ? answers.database.mode
    : env.before.DATABASE_URL
      ? 'postgres'
      : 'embedded';
  if (answers.telemetry === undefined) {
    // No choice recorded: the usual first-run rules apply, and nothing is sent in the run that shows the notice.
    session.warnUnreadableFiles();
    session.showNoticeIfDue();
  }
  session.track('cli_init', {
    database_mode: databaseMode,
    telemetry_answered: answers.telemetry !== undefined,
    newsletter_answered: answers.newsletterAnswered,
    deployment_existed: deployment.exists,
    is_interactive: answers.interactive,
    providers,
    completed: true,
    last_step: 'written',
  });
  const signedUp = answers.email
    ? await session.submitExplicit('newsletter_signup', {
        set: { email: answers.email },
        properties: { source: 'cli_init' },
        distinctIdWhenDisabled: answers.email,
      })
    : false;

  const after = readDeployment(dir);
  const deploymentId = after.values[ELMO.env.deploymentId] ?? '';
  const stillOff = readConsentSnapshot(deps, dir).decision;
  const destination = session.destination();
  const updates = !answers.email
    ? 'not requested'
    : !signedUp
      ? `sign-up for ${answers.email} could not be queued`
      : destination
        ? `sign-up for ${answers.email} queued for PostHog at ${destination.host}`
        : `sign-up for ${answers.email} not sent: no ELMO_POSTHOG_KEY is configured`;
  const summary = [
    `Elmo deployment ${env.created ? 'created' : 'updated'} in ${dir}`,
    `  settings:    ${deployment.paths.envFile}`,
    `  deployment:  DEPLOYMENT_ID ${maskId(deploymentId)} (${env.changed.includes(ELMO.env.deploymentId) ? 'new' : 'kept'})`,
    `  database:    ${databaseMode === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : `embedded (data in ${after.paths.dataDir})`}`,
    `  providers:   ${providers.join(', ')}${providerChoice ? '' : ' (kept; --provider <name> changes them)'}`,
    `  telemetry:   ${telemetryLine(answers, [configFile, deployment.paths.envFile], stillOff.enabled ? undefined : stillOff.reason)}`,
    `  updates:     ${updates}`,
  ];
  const next = `Next: elmo start${options.dir ? ` --dir ${options.dir}` : ''}`;
  if (answers.interactive) {
    await deps.prompter.note(summary.join('\n'), 'Done');
    await deps.prompter.outro(next);
  } else {
    printLines(deps, [...summary, next]);
  }
}
