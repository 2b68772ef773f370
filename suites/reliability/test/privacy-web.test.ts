import { type ManagedProcess, waitUntil } from '@elmo/test-support';
import { launchChromium } from '@elmo/test-support/browser';
import { type PostgresServer, startPostgres } from '@elmo/test-support/postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCell } from './support/cell.js';
import { generateCorpus, type Secret } from './support/corpus.js';
import {
  createDeployment,
  startDeploymentWeb,
  startDeploymentWorker,
  stopMeasured,
  type TestDeployment,
} from './support/deployment.js';
import { findLeaks, wireText } from './support/leak-scan.js';
import { viewsIn } from './support/page-views.js';
import { type SwitchableSink, startSwitchableSink } from './support/switchable-sink.js';
import { WEB_CHANNELS, type WebSession } from './support/web-privacy.js';
import { sleep } from './support/wire.js';

// The privacy corpus through one web session: the deployment lives in a folder named after a person, its
// `.env` and both processes' environments hold secrets, and every channel pushes the corpus through the
// real API or real pages. Each channel is scanned on what reached the sink after it ran (usage counts are
// sent every 500 ms), and the whole session once more after shutdown.

const corpus = generateCorpus();

describe('privacy corpus through the web app, worker and browser', () => {
  let deployment: TestDeployment;
  const sinks: { web?: SwitchableSink; worker?: SwitchableSink } = {};
  const processes: ManagedProcess[] = [];
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let postgres: PostgresServer | undefined;
  let session: WebSession;
  // The deployment's own secrets join the corpus: the worker token and the folder path must not leak either.
  let scanned: Secret[] = [...corpus];

  beforeAll(async () => {
    const person = corpus.find((s) => s.category === 'user-path')?.fragments[0] ?? 'someone';
    const inEnvFile = corpus.filter((s) => s.id % 4 === 3 && !/["\n\\]/.test(s.value));
    deployment = createDeployment({
      subdir: `Users/${person}/elmo deployment`,
      envText: inEnvFile.map((s) => `EXTRA_${s.id}="${s.value}"\n`).join(''),
    });
    scanned = [
      ...corpus,
      { id: -1, category: 'aws-secret-key', value: deployment.token, fragments: [] },
      { id: -2, category: 'user-path', value: deployment.dir, fragments: [] },
    ];
    // PostgreSQL rather than the embedded database: ~4,000 writes go through the API, several times faster.
    postgres = await startPostgres();
    const env = { ...Object.fromEntries(corpus.map((s) => [`SECRET_${s.id}`, s.value])), DATABASE_URL: postgres.url };
    sinks.web = await startSwitchableSink();
    sinks.worker = await startSwitchableSink();
    const web = await startDeploymentWeb({ deployment, sinkUrl: sinks.web.url, env });
    processes.push(web);
    processes.push(startDeploymentWorker({ deployment, sinkUrl: sinks.worker.url, webUrl: web.url, env }));
    browser = await launchChromium();
    const webSink = sinks.web;
    // Page views are counted per template on the server and sent hourly in page_views rows (every 3 s here).
    const pageViews = () => viewsIn(webSink.events());
    session = {
      webUrl: web.url,
      token: deployment.token,
      brandIds: [],
      promptIds: [],
      browser: browser.context,
      expectedPageViews: 0,
      waitForPageViews: (count) => waitUntil(() => pageViews() >= count, `${count} page views`, 15_000),
    };
  });

  afterAll(async () => {
    await browser?.close();
    for (const process of processes) await process.stop('SIGKILL');
    await sinks.web?.close();
    await sinks.worker?.close();
    await postgres?.stop();
    deployment?.remove();
  });

  for (const channel of WEB_CHANNELS) {
    it(channel.label, async () => {
      await runCell('privacy', `web: ${channel.label}`, 'web', async (cell) => {
        const sink = sinks.web as SwitchableSink;
        const from = sink.requests().length;
        const result = await channel.push(session, corpus);
        cell.metric('secrets', result.pushed);
        cell.metric('requests', result.statuses.length);
        cell.check('every request answered without a server error', () => {
          expect(result.statuses.filter((s) => s === 0 || s >= 500)).toEqual([]);
        });
        // Past an hourly send (six usage intervals of 500 ms): what this channel counted has been sent, the
        // api_requests and page_views rows included.
        await sleep(3500);
        const window = sink.requests().slice(from);
        const bytes = Buffer.concat(
          window.flatMap((r) => (r.text === undefined ? [r.body] : [r.body, Buffer.from(r.text)])),
        );
        cell.metric(
          'events scanned',
          window.reduce((n, r) => n + r.accepted, 0),
        );
        if (channel.reported) {
          cell.check('the channel produced telemetry to scan', () => expect(window.length).toBeGreaterThan(0));
        } else {
          cell.note('The worker’s internal job API is machine traffic the product does not report; scanned anyway.');
        }
        const leaks = findLeaks(scanned, wireText(bytes, window));
        cell.metric('leaks', leaks.length);
        cell.check('no secret reached the sink', () => expect(leaks).toEqual([]));
      });
    }, 180_000);
  }

  it('whole session after shutdown: environments, .env values, folder paths, every channel', async () => {
    await runCell(
      'privacy',
      'web + worker: environment, .env values, folder paths (whole session)',
      'web',
      async (cell) => {
        await browser?.close();
        browser = undefined;
        const stops = await Promise.all(processes.map((p) => stopMeasured(p)));
        cell.check('web and worker exit 0', () => expect(stops.map((s) => s.code)).toEqual([0, 0]));
        const all = [sinks.web, sinks.worker] as SwitchableSink[];
        const events = all.flatMap((s) => s.events());
        cell.metric('events scanned', events.length);
        cell.metric(
          'bytes scanned',
          all.reduce((n, s) => n + s.rawBytes().length, 0),
        );
        cell.check('the session sent lifecycle, usage, request and page-view events', () => {
          const names = new Set(events.map((e) => e.event));
          for (const name of [
            'deployment_started',
            'feature_usage',
            'api_requests',
            'page_views',
            'deployment_stopped',
          ]) {
            expect(names).toContain(name);
          }
        });
        cell.check('every page visit was counted, and no page view was forwarded one by one', () => {
          expect(viewsIn(events)).toBeGreaterThanOrEqual(session.expectedPageViews);
          expect(events.filter((e) => e.event === '$pageview')).toEqual([]);
        });
        const leaks = all.flatMap((s) => findLeaks(scanned, wireText(s.rawBytes(), s.requests())));
        cell.metric('secrets', scanned.length);
        cell.metric('leaks', leaks.length);
        cell.check('no secret reached either sink', () => expect(leaks).toEqual([]));
      },
    );
  }, 60_000);
});
