import { describe, expect, it } from 'vitest';
import { childEnvironment } from './child-env.js';
import type { Components } from './components.js';
import { checkDeploymentSettings, parseWorkerCount, planStart } from './start-plan.js';

const COMPONENTS: Components = {
  web: {
    cwd: '/app/web',
    command: 'node',
    args: (port, dev) => ['next', dev ? 'dev' : 'start', '-H', '127.0.0.1', '-p', String(port)],
  },
  worker: { cwd: '/app/worker', command: 'node', args: ['dist/main.js'] },
};

const environment = (options: { dev?: boolean; values?: Record<string, string>; env?: Record<string, string> }) =>
  childEnvironment({
    env: options.env ?? {},
    values: options.values ?? {},
    home: '/deploy',
    port: 1515,
    productVersion: '0.1.0',
    dev: options.dev,
  });

describe('elmo start: workers and development mode', () => {
  it('--workers takes a whole number from 1 to 16, default 1; anything else is invalid_workers, exit code 2', () => {
    expect([parseWorkerCount(undefined), parseWorkerCount('1'), parseWorkerCount(' 16 ')]).toEqual([1, 1, 16]);
    for (const bad of ['0', '17', '-1', '2.5', '1e1', 'three', '', '100']) {
      expect(() => parseWorkerCount(bad), bad).toThrow(
        expect.objectContaining({ code: 'invalid_workers', exitCode: 2 }),
      );
    }
    expect(() => parseWorkerCount('17')).toThrow('--workers must be a whole number from 1 to 16, not "17"');
  });

  it('plans one web app and N workers with the same environment, named for their output', () => {
    const env = environment({ values: { DEPLOYMENT_ID: 'd', ELMO_DEPLOYMENT_MODE: 'whitelabel' } });
    const plan = planStart({ components: COMPONENTS, port: 1515, workers: 3, dev: false, env });
    expect(plan.web).toMatchObject({
      name: 'web',
      cwd: '/app/web',
      args: ['next', 'start', '-H', '127.0.0.1', '-p', '1515'],
    });
    expect(plan.workers.map((w) => w.name)).toEqual(['worker 1', 'worker 2', 'worker 3']);
    for (const worker of plan.workers) {
      expect(worker).toMatchObject({ command: 'node', cwd: '/app/worker', args: ['dist/main.js'] });
      expect(worker.env).toBe(env);
    }
    // Without --dev the .env's deployment mode flows through.
    expect(env.ELMO_DEPLOYMENT_MODE).toBe('whitelabel');
    expect(
      planStart({ components: COMPONENTS, port: 1515, workers: 1, dev: false, env }).workers.map((w) => w.name),
    ).toEqual(['worker']);
  });

  it('--dev runs next dev and sets ELMO_DEPLOYMENT_MODE=development for every component', () => {
    const env = environment({
      dev: true,
      values: { ELMO_DEPLOYMENT_MODE: 'whitelabel' },
      env: { ELMO_DEPLOYMENT_MODE: 'local' },
    });
    expect(env.ELMO_DEPLOYMENT_MODE).toBe('development');
    const plan = planStart({ components: COMPONENTS, port: 4000, workers: 2, dev: true, env });
    expect(plan.web.args).toEqual(['next', 'dev', '-H', '127.0.0.1', '-p', '4000']);
    expect(plan.web.env.ELMO_DEPLOYMENT_MODE).toBe('development');
    expect(plan.workers.every((w) => w.env.ELMO_DEPLOYMENT_MODE === 'development')).toBe(true);
  });

  it('refuses unknown providers or modes and a provider without its key, in one line that shows no value', () => {
    const token = { ELMO_INTERNAL_TOKEN: 'tok' };
    expect(() => checkDeploymentSettings(token)).not.toThrow();
    expect(() =>
      checkDeploymentSettings({ ...token, ELMO_PROVIDERS: 'offline,openai', OPENAI_API_KEY: 'sk-1' }),
    ).not.toThrow();
    expect(() => checkDeploymentSettings({ ...token, ELMO_PROVIDERS: 'offline,gemini' })).toThrow(
      expect.objectContaining({ code: 'invalid_provider', exitCode: 1 }),
    );
    expect(() => checkDeploymentSettings({ ...token, ELMO_DEPLOYMENT_MODE: 'cloud' })).toThrow(
      /ELMO_DEPLOYMENT_MODE must be one of/,
    );
    const missing = () =>
      checkDeploymentSettings({
        ...token,
        ELMO_PROVIDERS: 'openai_compatible,anthropic',
        OPENAI_API_KEY: 'sk-secret',
      });
    expect(missing).toThrow(expect.objectContaining({ code: 'missing_provider_key' }));
    expect(missing).toThrow(/needs OPENAI_BASE_URL and ANTHROPIC_API_KEY; add them to the deployment \.env/);
    expect(missing).not.toThrow(/sk-secret/);
  });

  it('refuses a deployment without its internal token before anything starts', () => {
    for (const env of [{}, { ELMO_INTERNAL_TOKEN: '  ' }]) {
      expect(() => checkDeploymentSettings(env)).toThrow(
        expect.objectContaining({
          code: 'start_failed',
          message: expect.stringMatching(/no ELMO_INTERNAL_TOKEN.*elmo init/),
        }),
      );
    }
  });
});
