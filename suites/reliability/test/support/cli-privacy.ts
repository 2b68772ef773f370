import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CLI_FLAGS } from '@elmo/elmo-telemetry';
import type { RunResult } from '@elmo/test-support';
import { expect } from 'vitest';
import type { Cell } from './cell.js';
import { createCliHome } from './cli-cell.js';
import { chunk, type Secret } from './corpus.js';
import { findLeaks, wireText } from './leak-scan.js';
import { startSwitchableSink } from './switchable-sink.js';

// Every way a person hands the CLI a value, each fed the whole corpus in large batches (one invocation carries
// 256 secrets), each against its own sink so a leak is attributed to the input that caused it.

/** Secrets per invocation: keeps argv far below the kernel's limits while covering the corpus in 4 runs. */
export const SECRETS_PER_RUN = 256;

/** One invocation of a channel: its arguments and the environment it adds. */
export interface Invocation {
  args: string[];
  env?: Record<string, string>;
}

/** An input a user controls, and how a batch of secrets is pushed through it. */
export interface CliChannel {
  id: string;
  label: string;
  /** The invocations that carry `secrets`; `deployDir` is an existing deployment folder. */
  invocations(secrets: readonly string[], deployDir: string): Invocation[];
}

const flagEach = (flag: string, secrets: readonly string[]) => secrets.map((s) => `--${flag}=${s}`);
const flagSpaced = (flag: string, secrets: readonly string[]) => secrets.flatMap((s) => [`--${flag}`, s]);

/** The CLI's user inputs: arguments, flag values in both forms, command names, the environment, error paths. */
export const CLI_CHANNELS: readonly CliChannel[] = [
  {
    id: 'positional',
    label: 'positional arguments (also after --)',
    invocations: (s) => [{ args: ['status', ...s] }, { args: ['init', '--yes', '--', ...s] }],
  },
  {
    id: 'short-options',
    label: 'short options (-y, undeclared -t<value>)',
    invocations: (s) => [{ args: ['init', '-y', ...s.map((v) => `-t${v}`)] }],
  },
  { id: 'command-name', label: 'unknown command names', invocations: (s) => [{ args: [...s] }] },
  {
    id: 'unknown-flag-eq',
    label: 'undeclared --flag=value',
    invocations: (s) => [{ args: ['init', ...flagEach('token', s)] }],
  },
  {
    id: 'unknown-flag-space',
    label: 'undeclared --flag value',
    invocations: (s) => [{ args: ['status', ...flagSpaced('password', s)] }],
  },
  {
    id: 'declared-flag-eq',
    label: 'declared --dir=value (last one valid)',
    invocations: (s, dir) => [{ args: ['status', ...flagEach('dir', s), `--dir=${dir}`] }],
  },
  {
    id: 'declared-flag-space',
    label: 'declared --dir value, alias `st`',
    invocations: (s, dir) => [{ args: ['st', ...flagSpaced('dir', s), '--dir', dir] }],
  },
  {
    id: 'flag-value-errors',
    label: 'invalid values of --port, --database-url, --email (error paths)',
    invocations: (s) => [
      { args: ['up', ...flagEach('port', s)] },
      { args: ['init', '--yes', ...flagSpaced('database-url', s), '--database-url', 'not a url'] },
      // The last --email wins; it is invalid, so no newsletter signup (the one disclosed exception) is sent.
      { args: ['init', '--yes', ...flagEach('email', s), '--email=not-an-email'] },
    ],
  },
  {
    id: 'missing-deployment-error',
    label: 'deployment paths in error messages (--dir of a missing folder)',
    invocations: (s) => [{ args: ['start', ...flagSpaced('dir', s)] }],
  },
  {
    id: 'environment',
    label: 'environment variables (ELMO_PORT, DATABASE_URL, any other)',
    invocations: (s) => [
      {
        args: ['status'],
        env: {
          ...Object.fromEntries(s.map((secret, i) => [`SECRET_${i}`, secret])),
          ELMO_PORT: s[0] ?? '',
          DATABASE_URL: s[1] ?? '',
          GITHUB_TOKEN: s[2] ?? '',
        },
      },
    ],
  },
];

/** The outcome of pushing a corpus through one channel. */
export interface ChannelResult {
  runs: RunResult[];
  leaks: ReturnType<typeof findLeaks>;
}

/**
 * Pushes `corpus` through `channel` against a fresh sink and home (whose own paths contain a user name from
 * the corpus), waits until every invocation's event arrived, and scans every byte the sink received.
 */
export async function pushThroughCli(cell: Cell, channel: CliChannel, corpus: readonly Secret[]): Promise<void> {
  const sink = await startSwitchableSink();
  const home = createCliHome(sink.url);
  try {
    // The person's own folders carry a corpus user name: paths the CLI itself reads must not leak either.
    const userName = corpus.find((s) => s.category === 'user-path')?.fragments[0] ?? 'someone';
    const userHome = join(home.root, 'Users', userName);
    const deployDir = join(userHome, 'elmo deployment');
    mkdirSync(deployDir, { recursive: true });
    const env = { HOME: userHome, ELMO_HOME: deployDir };
    await home.run(['init', '--yes'], { extraEnv: env });
    const invocations = chunk(
      corpus.map((s) => s.value),
      SECRETS_PER_RUN,
    ).flatMap((secrets) => channel.invocations(secrets, deployDir));
    const runs: RunResult[] = [];
    for (const invocation of invocations) {
      runs.push(await home.run(invocation.args, { extraEnv: { ...env, ...invocation.env }, timeoutMs: 30_000 }));
    }
    cell.metric('secrets', corpus.length);
    cell.metric('invocations', runs.length);
    cell.check('every invocation ended normally, any error in one line', () => {
      for (const run of runs) {
        expect(run.signal).toBeNull();
        expect([0, 1, 2]).toContain(run.code);
        if (run.code !== 0) expect(run.stderr.trim().split('\n')).toHaveLength(1);
      }
    });
    const commands = () => sink.events().filter((e) => e.event === 'cli_command');
    // One cli_command per invocation plus the setup's `init`: the inputs really went through tracking.
    await cell.checkAsync('every invocation was tracked and delivered', async () => {
      const deadline = Date.now() + 30_000;
      while (commands().length < runs.length + 1 && Date.now() < deadline) await home.waitForSenders(20_000);
      await home.waitForSenders(20_000);
      expect(commands()).toHaveLength(runs.length + 1);
    });
    cell.check('flags carry declared names only', () => {
      for (const event of commands()) {
        for (const flag of event.properties.flags as string[]) expect(CLI_FLAGS).toContain(flag);
      }
    });
    const leaks = findLeaks(corpus, wireText(sink.rawBytes(), sink.requests()));
    cell.metric('events scanned', sink.events().length);
    cell.metric('bytes scanned', sink.rawBytes().length);
    cell.metric('leaks', leaks.length);
    cell.check('no secret reached the sink', () => expect(leaks).toEqual([]));
  } finally {
    home.cleanup();
    await sink.close();
  }
}
