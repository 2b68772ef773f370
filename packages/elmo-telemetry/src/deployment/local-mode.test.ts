import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSink } from '@elmo/posthog-sink';
import { readLocalLog } from '@elmo/telemetry-core/node';
import { useTempDir } from '@elmo/test-support/vitest';
import { describe, expect, it } from 'vitest';
import { deploymentPaths } from '../node/paths.js';
import { createDeploymentTelemetry } from './deployment-telemetry.js';
import { handleIngest } from './ingest.js';

// Local mode in a web or worker process (SPEC §3): every event in the local log as `local`, nothing sent.
// Real files in a temp folder and the loopback sink as the configured destination.
const temp = useTempDir('elmo-local-mode-');
const DEPLOYMENT_ID = '7d3c2b1a-9e8f-4a6b-8c5d-4e3f2a1b0c9d';

async function withDeployment(envText: string, run: (dir: string, sinkUrl: string) => Promise<void>) {
  const sink = await startSink({ mode: 'healthy' });
  try {
    const dir = join(temp.path, 'deploy');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, '.env'),
      `DEPLOYMENT_ID=${DEPLOYMENT_ID}\nELMO_POSTHOG_HOST=${sink.url}\nELMO_POSTHOG_KEY=phc_test\n${envText}`,
    );
    await run(dir, sink.url);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sink.requests, 'no request reached the sink').toEqual([]);
  } finally {
    await sink.close();
  }
}

const create = (dir: string) =>
  createDeploymentTelemetry({
    component: 'web',
    deploymentDir: dir,
    env: { ELMO_TELEMETRY_POLICY: join(temp.path, 'no-policy.json') },
    homedir: join(temp.path, 'home'),
    productVersion: '1.2.3',
    intervals: { flushMs: 50, usageMs: 60_000 },
    totals: async () => ({ brands_total: 2, prompts_total: 3 }),
    write: () => {},
  });

describe('deployment telemetry in local mode', () => {
  it('logs lifecycle, usage and /ingest page views as local and sends nothing', async () => {
    await withDeployment('TELEMETRY_MODE=local\n', async (dir) => {
      const deployment = create(dir);
      expect(deployment.consent()).toMatchObject({ enabled: false, mode: 'local', source: 'deployment-env' });
      deployment.started();
      deployment.featureUsed('brands_created', 2);
      deployment.apiRequest('/api/brands', 'GET', 200, 12);
      // A real path in $current_url is counted by its template; the path itself goes nowhere.
      const body = JSON.stringify([
        { event: '$pageview', properties: { $current_url: 'http://localhost:1515/brands/42?q=secret', token: 'x' } },
        { event: '$pageview', properties: { $pathname: '/settings' } },
      ]);
      const response = await handleIngest(
        new Request('http://localhost:1515/ingest/batch', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        }),
        ['batch'],
        { pageView: (page) => deployment.pageView(page) },
      );
      expect(response.status).toBe(200);
      await deployment.shutdown(500);

      const log = readLocalLog(deploymentPaths(dir).logFile, 100);
      expect(log.map((e) => [e.event, e.status])).toEqual([
        ['deployment_started', 'local'],
        ['deployment_stopped', 'local'],
        ['feature_usage', 'local'],
        ['api_requests', 'local'],
        ['page_views', 'local'],
      ]);
      expect(log.find((e) => e.event === 'feature_usage')?.properties).toMatchObject({
        brands_created: 2,
        brands_total: 2,
        source: 'web',
        product_version: '1.2.3',
      });
      expect(log.find((e) => e.event === 'page_views')?.properties).toMatchObject({
        source: 'web',
        rows: [
          { page: '/brands/[id]', views: 1 },
          { page: '/settings', views: 1 },
        ],
      });
      expect(JSON.stringify(log)).not.toContain('/brands/42');
      expect(JSON.stringify(log)).not.toContain('secret');
      expect(JSON.stringify(log)).not.toContain(DEPLOYMENT_ID);
      expect(existsSync(deploymentPaths(dir).spoolFile), 'no spool').toBe(false);
      expect(deployment.deliveryStatus().queue.pending).toBe(0);
    });
  });

  it('counts made in local mode are never sent once the mode is switched to on', async () => {
    await withDeployment('TELEMETRY_MODE=local\n', async (dir) => {
      const deployment = create(dir);
      deployment.featureUsed('prompts_created', 5);
      deployment.apiRequest('/api/brands', 'GET', 200, 4);
      deployment.pageView('/settings');
      // Now on; the sink stays this process's destination, so a count sent would reach it.
      writeFileSync(join(dir, '.env'), `DEPLOYMENT_ID=${DEPLOYMENT_ID}\n`);
      deployment.reloadSettings();
      expect(deployment.consent().mode).toBe('on');
      await deployment.sendUsage();
      await deployment.telemetry.shutdown(200);
      expect(readLocalLog(deploymentPaths(dir).logFile, 100)).toEqual([]);
    });
  });
});
