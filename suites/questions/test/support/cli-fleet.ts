import { cpSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  cliDir,
  createTempDir,
  createTestHome,
  ELMO_BIN,
  runNode,
  type SinkProcess,
  startTerminal,
  type TempDir,
  type TestHome,
} from '@elmo/test-support';
import type { Ledger } from './ledger.js';

// The CLI side of the fleet: installs (private homes) running scripted commands, aliases and failures, an
// older and a newer CLI release, a newsletter signup, a `--forget`, and `elmo init` interrupted in a real terminal.

/**
 * The CLI has no version knob (its version is its package.json's), so the newer release is the built CLI copied
 * beside a package.json that says `version`: the same code, as an install of that release would be.
 */
function releaseOfCli(version: string): { bin: string; folder: TempDir } {
  const folder = createTempDir('elmo-questions-cli-');
  const manifest = JSON.parse(readFileSync(join(cliDir, 'package.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(folder.path, 'package.json'), JSON.stringify({ ...manifest, version }, null, 2));
  cpSync(join(cliDir, 'dist'), join(folder.path, 'dist'), { recursive: true });
  // Its npm dependencies (commander, posthog-node for the detached sender…) resolve from the workspace's install.
  symlinkSync(join(cliDir, 'node_modules'), join(folder.path, 'node_modules'), 'dir');
  return { bin: join(folder.path, 'dist', 'bin.js'), folder };
}

interface Install {
  name: string;
  home: TestHome;
  version: string;
  bin: string;
  /** Telemetry turned off: spooled events stay put by design, nothing to drain. */
  off?: boolean;
}

const ALIASES: Record<string, string> = { st: 'status', up: 'start' };
const UNTRACKED = new Set(['telemetry']);

/** One scripted `elmo` run: the ledger records what it was and how the script expects it to end. */
async function elmo(
  ledger: Ledger,
  install: Install,
  args: string[],
  expected: {
    status?: 'success' | 'failure' | 'invalid';
    errorCode?: string;
    sent?: boolean;
    extraEnv?: Record<string, string>;
  } = {},
): Promise<void> {
  const result = await runNode(install.bin, args, { env: install.home.env(expected.extraEnv), timeoutMs: 20_000 });
  const status = expected.status ?? 'success';
  if ((result.code === 0) !== (status === 'success')) {
    throw new Error(`elmo ${args.join(' ')} (${install.name}) exited ${result.code}:\n${result.stderr}`);
  }
  const typed = args[0] ?? '';
  const known = ['init', 'start', 'status', 'telemetry', ...Object.keys(ALIASES)].includes(typed);
  ledger.cli.push({
    install: install.name,
    version: install.version,
    command: UNTRACKED.has(typed) ? undefined : known ? (ALIASES[typed] ?? typed) : 'unknown',
    alias: typed in ALIASES ? typed : undefined,
    status,
    errorCode: expected.errorCode,
    flags: [
      ...new Set(
        args.filter((arg) => arg.startsWith('--')).map((arg) => (arg.slice(2).split('=')[0] ?? '').replace(/^no-/, '')),
      ),
    ],
    sent: expected.sent ?? true,
    wallMs: result.durationMs,
  });
}

/** `elmo init` on a terminal, interrupted (Ctrl-C) at the question of `step`. */
async function interruptedInit(ledger: Ledger, install: Install, step: 'database' | 'providers' | 'newsletter') {
  const terminal = startTerminal([process.execPath, install.bin, 'init'], install.home.env(), install.home.root);
  const started = performance.now();
  try {
    await terminal.waitFor('Which database should Elmo use?');
    if (step !== 'database') {
      terminal.press('Enter'); // embedded
      await terminal.waitFor('Share anonymous telemetry?');
      terminal.press('Enter'); // yes
      await terminal.waitFor('Which model providers should reports ask?');
      if (step === 'newsletter') {
        terminal.press('Enter'); // offline
        await terminal.waitFor(/product updates/i);
      }
    }
    terminal.press('C-c');
    const code = await terminal.waitForExit();
    if (code === 0) throw new Error(`elmo init (${install.name}) was not interrupted at ${step}`);
  } finally {
    terminal.close();
  }
  // Before the telemetry answer nothing may be sent: this home never recorded a choice.
  const sent = step !== 'database';
  ledger.inits.push({
    install: install.name,
    databaseMode: 'embedded',
    completed: false,
    lastStep: step,
    providers: step === 'newsletter' ? ['offline'] : [],
    sent,
  });
  ledger.cli.push({
    install: install.name,
    version: install.version,
    command: 'init',
    alias: undefined,
    status: 'interrupted',
    errorCode: 'interrupted',
    flags: [],
    sent,
    wallMs: performance.now() - started,
  });
}

/**
 * Waits until the install's spool is delivered. An event spooled while the previous sender was finishing waits for
 * the next tracked run (SPEC §7 allows it; a run that tracks nothing, such as `elmo telemetry status`, starts no
 * sender), so one more `elmo st` is run then, recorded in the ledger like every run.
 */
async function drain(ledger: Ledger, install: Install): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    await install.home.waitForSenders(20_000);
    if (install.off || install.home.spoolEvents() === 0) return;
    if (attempt === 3) throw new Error(`${install.name}: ${install.home.spoolEvents()} events stay in the spool`);
    await elmo(ledger, install, ['st']);
  }
}

/** Runs the CLI fleet; returns a cleanup that removes every home (after their senders finished). */
export async function runCliFleet(
  sink: SinkProcess,
  ledger: Ledger,
  versions: { old: string; new: string },
): Promise<() => Promise<void>> {
  const release = releaseOfCli(versions.new);
  const installs: Install[] = [];
  const install = (name: string, version: string): Install => {
    const created: Install = {
      name,
      home: createTestHome(sink.url, { prefix: `elmo-questions-${name}-` }),
      version,
      bin: version === versions.new ? release.bin : ELMO_BIN,
    };
    installs.push(created);
    return created;
  };
  const cleanup = async () => {
    for (const each of installs) {
      await each.home.waitForSenders().catch(() => {});
      each.home.cleanup();
    }
    release.folder.remove();
  };
  try {
    const ada = install('ada', versions.old);
    const bob = install('bob', versions.old);
    const cyd = install('cyd', versions.new);
    const dee = install('dee', versions.new);
    const eve = install('eve', versions.old);
    const fay = install('fay', versions.old);
    const gus = install('gus', versions.old);

    const init = (who: Install, databaseMode: 'embedded' | 'postgres', providers = ['offline']) =>
      ledger.inits.push({
        install: who.name,
        databaseMode,
        completed: true,
        lastStep: 'written',
        providers,
        sent: true,
      });

    // Each install runs its own script; the installs run side by side, as a fleet does.
    await Promise.all([
      (async () => {
        await elmo(ledger, ada, ['init', '--yes', '--telemetry']);
        init(ada, 'embedded');
        await elmo(ledger, ada, ['status']);
        await elmo(ledger, ada, ['st']);
        await elmo(ledger, ada, ['st', '--json']);
        await elmo(ledger, ada, ['up', '--port', '99999'], { status: 'invalid', errorCode: 'invalid_port' });
        await elmo(ledger, ada, ['stats'], { status: 'invalid', errorCode: 'unknown_command' });
      })(),
      (async () => {
        const postgres = 'postgres://elmo@127.0.0.1:5432/elmo';
        await elmo(
          ledger,
          bob,
          ['init', '--yes', '--telemetry', '--database-url', postgres, '--provider', 'offline', '--provider', 'openai'],
          { extraEnv: { OPENAI_API_KEY: 'sk-questions-not-a-real-key' } },
        );
        init(bob, 'postgres', ['offline', 'openai']);
        await elmo(ledger, bob, ['status', '--json']);
        await elmo(ledger, bob, ['st']);
        await elmo(ledger, bob, ['telemetry', 'status']);
        // A second init keeps the deployment and its PostgreSQL URL.
        await elmo(ledger, bob, ['init', '--yes']);
        init(bob, 'postgres', ['offline', 'openai']);
      })(),
      (async () => {
        await elmo(ledger, cyd, ['init', '--yes', '--telemetry', '--email', 'questions-cyd@example.com']);
        init(cyd, 'embedded');
        ledger.newsletter.push({ email: 'questions-cyd@example.com', linked: true });
        await elmo(ledger, cyd, ['st']);
        await elmo(ledger, cyd, ['start', '--port', 'abc'], { status: 'invalid', errorCode: 'invalid_port' });
        await elmo(ledger, cyd, ['status']);
      })(),
      (async () => {
        await elmo(ledger, dee, ['init', '--yes', '--telemetry']);
        init(dee, 'embedded');
        await elmo(ledger, dee, ['st']);
        await elmo(ledger, dee, ['up', '--dir', join(dee.home.root, 'missing')], {
          status: 'failure',
          errorCode: 'no_deployment',
        });
        // What dee ran before opting out is sent first: an event spooled while the previous run's sender was
        // finishing waits for the next tracked run (SPEC §7), and dee's next run is the opt-out, which sends nothing.
        await drain(ledger, dee);
        // `--forget` forgets both ids this person has: the install id and their deployment's DEPLOYMENT_ID.
        const installId = dee.home.readConfig()?.installId;
        const deploymentId = /^DEPLOYMENT_ID=(.+)$/m.exec(readFileSync(dee.home.envFile, 'utf8'))?.[1]?.trim();
        if (typeof installId !== 'string' || !deploymentId) throw new Error('dee has no install id or deployment id');
        await elmo(ledger, dee, ['telemetry', 'disable', '--forget']);
        ledger.forgotten.push(installId, deploymentId.toLowerCase());
        dee.off = true;
        // Off from here on: tracked, but never sent.
        await elmo(ledger, dee, ['status'], { sent: false });
      })(),
      interruptedInit(ledger, eve, 'database'),
      interruptedInit(ledger, fay, 'providers'),
      interruptedInit(ledger, gus, 'newsletter'),
    ]);
    await Promise.all(installs.map((each) => drain(ledger, each)));
  } catch (error) {
    await cleanup();
    throw error;
  }
  return cleanup;
}
