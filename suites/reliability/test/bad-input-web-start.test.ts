import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { linesOf, STACK_LINE } from './support/bad-input.js';
import { runCell } from './support/cell.js';
import {
  createDeployment,
  startDeploymentWeb,
  startDeploymentWorker,
  type TestDeployment,
} from './support/deployment.js';
import { sleep } from './support/wire.js';

// Bad input at the start of the deployment: a database it cannot use, a data folder that is a file, an invalid
// worker configuration. Each must fail at once with one clear line and a non-zero exit code.

/** Starts a web app that must fail; returns its exit and the lines it printed as `elmo-web:`. */
async function failedStart(deployment: TestDeployment, env: Record<string, string> = {}) {
  const started = Date.now();
  const web = await startDeploymentWeb({ deployment, env, waitUntilReady: false });
  const exit = await Promise.race([web.exited, sleep(30_000).then(() => ({ code: null, signal: null }))]);
  await web.stop('SIGKILL');
  return {
    exit,
    ms: Date.now() - started,
    output: web.output(),
    lines: linesOf(web.output()).filter((l) => l.startsWith('elmo-web:')),
  };
}

describe('bad input: web start', () => {
  const urls: [string, string][] = [
    ['not a URL', 'not a url'],
    ['another scheme', 'mysql://elmo:s3cret-pw@127.0.0.1:3306/elmo'],
    ['refused port, with a password', 'postgres://elmo:s3cret-pw@127.0.0.1:1/elmo'],
    ['unknown host', 'postgres://elmo@db.invalid:5432/elmo'],
  ];
  it('an invalid DATABASE_URL: one clear line and a non-zero exit', async () => {
    await runCell('bad-input', 'invalid DATABASE_URL', 'web', async (cell) => {
      for (const [label, url] of urls) {
        const deployment = createDeployment();
        try {
          const result = await failedStart(deployment, { DATABASE_URL: url });
          cell.metric(`${label}: exit ms`, result.ms);
          cell.check(`${label}: exits non-zero`, () => expect(result.exit.code).not.toBe(0));
          cell.check(`${label}: exactly one elmo-web line, about the database, no stack`, () => {
            expect(result.lines).toHaveLength(1);
            expect(result.lines[0]).toMatch(/database/i);
            expect(result.lines[0]).toContain('DATABASE_URL');
            expect(result.output).not.toMatch(STACK_LINE);
          });
          cell.check(`${label}: the password is not printed`, () => expect(result.output).not.toContain('s3cret-pw'));
          if (label === 'another scheme') cell.note(`"${url.replace('s3cret-pw', '…')}" says: ${result.lines[0]}`);
        } finally {
          deployment.remove();
        }
      }
    });
  }, 120_000);

  it('the data folder is a file: one clear line and a non-zero exit', async () => {
    await runCell('bad-input', 'deployment data folder is a file', 'web', async (cell) => {
      const deployment = createDeployment();
      try {
        writeFileSync(join(deployment.dir, 'data'), 'not a folder');
        const result = await failedStart(deployment);
        cell.check('exits non-zero with exactly one elmo-web line', () => {
          expect(result.exit.code).not.toBe(0);
          expect(result.lines).toHaveLength(1);
          expect(result.output).not.toMatch(STACK_LINE);
        });
      } finally {
        deployment.remove();
      }
    });
  }, 60_000);
});

describe('bad input: worker configuration', () => {
  it('an invalid worker configuration: one line, exit 1', async () => {
    await runCell('bad-input', 'invalid worker configuration', 'worker', async (cell) => {
      const deployment = createDeployment();
      try {
        const variants: [string, Record<string, string>][] = [
          ['ELMO_WEB_URL not a URL', { ELMO_WEB_URL: 'not a url' }],
          ['ELMO_WORKER_POLL_MS not a number', { ELMO_WORKER_POLL_MS: 'soon' }],
          ['no ELMO_INTERNAL_TOKEN', { ELMO_INTERNAL_TOKEN: '' }],
        ];
        for (const [label, env] of variants) {
          const worker = startDeploymentWorker({ deployment, webUrl: 'http://127.0.0.1:9', env });
          const exit = await Promise.race([worker.exited, sleep(10_000).then(() => ({ code: null }))]);
          await worker.stop('SIGKILL');
          cell.check(`${label}: exit 1 with one elmo-worker line`, () => {
            expect(exit.code).toBe(1);
            expect(linesOf(worker.output())).toHaveLength(1);
            expect(worker.output()).toMatch(/^elmo-worker: /);
          });
        }
      } finally {
        deployment.remove();
      }
    });
  }, 60_000);
});
