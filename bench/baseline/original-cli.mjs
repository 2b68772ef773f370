// BASELINE, not the product: a re-creation of Elmo's ORIGINAL telemetry approach, for `pnpm bench` to report
// beside ours (DESIGN §5, §6 last bullet). It does what `elmo status` does (reads the user config and the
// deployment .env, resolves consent, prints the status) and then, as the original CLI did for every event,
// creates a new posthog-node client, captures, and awaits `client.shutdown()` with posthog-node's defaults
// (30 s shutdown, 10 s request timeout, 3 retries 3 s apart). posthog-node is imported statically, in the
// command's own process, as it was then. Run it with the same environment as the built CLI.
import { homedir } from 'node:os';
import {
  cliPaths,
  commonProperties,
  createElmoConsent,
  deploymentPaths,
  resolveDeploymentDir,
  resolveDestination,
} from '@elmo/elmo-telemetry/node';
import { readEnvFile, readJsonFile } from '@elmo/telemetry-core/node';
import { PostHog } from 'posthog-node';

const startedAt = Date.now();
const env = process.env;
const home = homedir();
const dir = resolveDeploymentDir({ env, homedir: home });
const paths = cliPaths(env, home);
const envPath = deploymentPaths(dir).envFile;
const config = readJsonFile(paths.configFile);
const deploymentEnv = readEnvFile(envPath);
const decision = createElmoConsent({
  surface: 'cli',
  env,
  homedir: home,
  deploymentEnvFile: envPath,
  isCI: Boolean(env.CI),
}).decide();
const values = deploymentEnv.status === 'ok' ? deploymentEnv.values : {};
process.stdout.write(
  [
    deploymentEnv.status === 'missing' ? `Deployment: none in ${dir}` : `Deployment: ${dir}`,
    `URL:        http://localhost:${values.PORT ?? 1515}`,
    `Telemetry:  ${decision.enabled ? 'on' : 'off'} (${decision.reason})`,
    '',
  ].join('\n'),
);

// The original track(): one client per event, flushed by awaiting shutdown() before the command returns.
async function track(event, properties) {
  const destination = resolveDestination(env, values);
  if (!decision.enabled || !destination) return;
  const client = new PostHog(destination.apiKey, { host: destination.host });
  client.capture({
    distinctId: config.status === 'ok' ? String(config.data.installId) : 'unknown',
    event,
    properties: { ...commonProperties({ source: 'cli', productVersion: '0.1.0' }), ...properties },
  });
  await client.shutdown();
}

await track('cli_command', {
  command: 'status',
  duration_ms: Date.now() - startedAt,
  status: 'success',
  is_interactive: false,
  is_ci: false,
  flags: [],
});
