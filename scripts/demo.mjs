// The local demo behind `npm start`: sets up a deployment with defaults if none exists, starts the loopback
// PostHog sink when no PostHog key is configured (so you can watch exactly what would be sent), then runs
// `elmo start` until Ctrl-C. Plain Node; run after the workspace is built.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { quietEnv, root } from './bootstrap.mjs';

const elmo = join(root, 'apps/cli/dist/bin.js');
const sinkBin = join(root, 'packages/posthog-sink/dist/bin.js');
const deploymentDir = resolve(process.env.ELMO_HOME || join(homedir(), '.elmo'));
const envFile = join(deploymentDir, '.env');
const env = { ...quietEnv, ELMO_HOME: deploymentDir };

function runElmo(args) {
  return new Promise((done) => {
    const child = spawn(process.execPath, [elmo, ...args], { stdio: 'inherit', env });
    child.on('exit', (code) => done(code ?? 1));
  });
}

function configuredKey() {
  if (env.ELMO_POSTHOG_KEY) return true;
  return existsSync(envFile) && /^\s*(export\s+)?ELMO_POSTHOG_KEY\s*=\s*\S/m.test(readFileSync(envFile, 'utf8'));
}

async function startSink() {
  const folder = mkdtempSync(join(tmpdir(), 'elmo-sink-'));
  const portFile = join(folder, 'port');
  const child = spawn(process.execPath, [sinkBin, '--port', '0', '--port-file', portFile], { stdio: 'inherit' });
  for (let waited = 0; !existsSync(portFile); waited += 50) {
    if (waited > 10_000 || child.exitCode !== null) throw new Error('the loopback sink did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
  const port = readFileSync(portFile, 'utf8').trim();
  rmSync(folder, { recursive: true, force: true });
  return { child, url: `http://127.0.0.1:${port}` };
}

if (!existsSync(envFile)) {
  console.log(`› no deployment in ${deploymentDir}: creating one with defaults (elmo init --yes)`);
  const code = await runElmo(['init', '--yes', '--dir', deploymentDir]);
  if (code !== 0) process.exit(code);
}

let sink;
if (!configuredKey()) {
  sink = await startSink();
  env.ELMO_POSTHOG_HOST = sink.url;
  env.ELMO_POSTHOG_KEY = 'phc_local_demo';
  console.log(`› no ELMO_POSTHOG_KEY configured: events go to a local PostHog sink instead.`);
  console.log(`  Watch them arrive at ${sink.url}/`);
}

const start = spawn(process.execPath, [elmo, 'start', '--dir', deploymentDir, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env,
});
// Ctrl-C reaches `elmo start` through the terminal; it stops web and worker, then we stop the sink.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => start.kill('SIGTERM'));
start.on('exit', (code) => {
  sink?.child.kill('SIGTERM');
  process.exit(code ?? 0);
});
