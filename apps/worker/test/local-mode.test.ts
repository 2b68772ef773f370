import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { type Sink, startSink } from '@elmo/posthog-sink';
import { readLocalLog } from '@elmo/telemetry-core/node';
import {
  createDeployment,
  ensureWorkerBuilt,
  type LoopbackServer,
  listenOnLoopback,
  startWorker,
  TELEMETRY_KNOBS,
  type TestDeployment,
  waitUntil,
} from '@elmo/test-support';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

// The built worker (SPEC §3): in local mode its start and stop are in the deployment's local log as `local` and
// nothing reaches the loopback sink; the machine policy caps it. The web app is stood in for by a loopback
// server whose internal API has no job to hand out, so no `next build` is needed.

let sink: Sink;
let web: LoopbackServer;
let deployment: TestDeployment | undefined;

beforeAll(() => ensureWorkerBuilt(), 120_000);
beforeEach(async () => {
  sink = await startSink({ mode: 'healthy' });
  web = await listenOnLoopback(
    createServer((request, response) => {
      request.resume();
      response.writeHead(request.url === '/api/internal/jobs/claim' ? 204 : 404).end();
    }),
  );
});
afterEach(async () => {
  await web.close();
  await sink.close();
  deployment?.remove();
  deployment = undefined;
});

/** Starts the worker on a fresh deployment, waits for its start in the log, stops it, and returns the log. */
async function runWorker(options: { envText?: string; policy?: string; userConfig?: unknown }) {
  deployment = createDeployment({ sinkUrl: sink.url, envText: options.envText, prefix: 'elmo-worker-local-' });
  const root = join(deployment.dir, '..');
  const userHome = join(root, 'user');
  mkdirSync(join(userHome, '.config', 'elmo'), { recursive: true });
  if (options.userConfig)
    writeFileSync(join(userHome, '.config', 'elmo', 'config.json'), JSON.stringify(options.userConfig));
  const policyFile = join(root, 'telemetry-policy.json');
  if (options.policy !== undefined) writeFileSync(policyFile, options.policy);
  const worker = startWorker({
    webUrl: web.url,
    token: deployment.token,
    inheritEnv: false,
    userHome,
    env: { ...TELEMETRY_KNOBS, ELMO_HOME: deployment.dir, ELMO_TELEMETRY_POLICY: policyFile },
  });
  const { logFile } = deployment;
  const hasStarted = () => readLocalLog(logFile, 50).some((e) => e.event === 'deployment_started');
  // Off writes no log at all: then give the worker time to reach the web app, and check it did.
  if (options.policy?.includes('"off"')) await new Promise((resolve) => setTimeout(resolve, 1500));
  else await waitUntil(() => hasStarted() || sink.requests.length > 0, 'the worker to record its start', 15_000);
  const exit = await worker.stop('SIGTERM');
  expect(exit.code, worker.output()).toBe(0);
  expect(worker.output()).toContain('taking report jobs');
  return readLocalLog(logFile, 50).map((e) => [e.event, e.status]);
}

const expectNothingSent = async () => {
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(sink.requests, 'no request reached the sink').toEqual([]);
  expect(existsSync(join(deployment?.dir ?? '', 'data', 'telemetry-spool.jsonl')), 'no spool').toBe(false);
};

describe('the worker in local mode and under the machine policy', () => {
  it('.env TELEMETRY_MODE=local: start and stop are logged as local, nothing is sent', async () => {
    expect(await runWorker({ envText: 'TELEMETRY_MODE=local\n' })).toEqual([
      ['deployment_started', 'local'],
      ['deployment_stopped', 'local'],
    ]);
    await expectNothingSent();
  });

  it('the user’s `telemetry local` choice (user config) covers the worker too', async () => {
    const userConfig = { telemetryDisabled: true, telemetryMode: 'local', telemetryChoice: 'local' };
    expect(await runWorker({ userConfig })).toEqual([
      ['deployment_started', 'local'],
      ['deployment_stopped', 'local'],
    ]);
    await expectNothingSent();
  });

  it('policy { "maximum": "local" } caps a deployment that is on at local', async () => {
    const log = await runWorker({ policy: '{ "maximum": "local" }', userConfig: { telemetryMode: 'on' } });
    expect(log).toEqual([
      ['deployment_started', 'local'],
      ['deployment_stopped', 'local'],
    ]);
    await expectNothingSent();
  });

  it('policy { "maximum": "off" } keeps the worker inert: nothing logged, nothing sent', async () => {
    expect(await runWorker({ policy: '{ "maximum": "off" }', userConfig: { telemetryMode: 'on' } })).toEqual([]);
    await expectNothingSent();
  });

  it('the control: with no policy and the mode on, the same worker delivers its start to the sink', async () => {
    const log = await runWorker({});
    expect(log).toContainEqual(['deployment_started', 'sent']);
    expect(sink.events.map((e) => e.event)).toContain('deployment_started');
  });
});
