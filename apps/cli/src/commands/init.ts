import { ELMO } from '@elmo/elmo-telemetry';
import { cliPaths, saveElmoTelemetryChoice } from '@elmo/elmo-telemetry/node';
import { changeEnvFile, maskId, readJsonFile } from '@elmo/telemetry-core/node';
import { type CommandContext, printLines } from '../command-context.js';
import { deploymentDirFor, readDeployment } from '../deployment/deployment.js';
import { readConsentSnapshot } from '../telemetry/consent-snapshot.js';
import { assertWritable, saveChoice } from '../telemetry/telemetry-choice.js';
import { checkInitFlags, gatherAnswers, type InitAnswers, type InitOptions, isInteractive } from './init-answers.js';

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
  const answers = await gatherAnswers(deps, options, {
    databaseUrl: deployment.values.DATABASE_URL,
    telemetryDeclined: !consent.enabled,
    // Asking would change nothing while a setting init does not write forces the state.
    telemetryForcedOff: consent.lockedBy && consent.lockedBy.kind !== 'user-config' ? consent.reason : undefined,
  });

  const env = changeEnvFile(
    deployment.paths.envFile,
    (values) => ({
      ...(values[ELMO.env.deploymentId] ? {} : { [ELMO.env.deploymentId]: deps.uuid() }),
      ...(values.ELMO_INTERNAL_TOKEN ? {} : { ELMO_INTERNAL_TOKEN: deps.secret() }),
      ...(answers.database.explicit ? { DATABASE_URL: answers.database.url ?? null } : {}),
    }),
    { header: ENV_HEADER },
  );
  const envFile = deployment.paths.envFile;
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
