import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { elmoCatalog } from '@elmo/elmo-telemetry';
import { useE2E } from '@elmo/test-support/vitest';
import { describe, expect } from 'vitest';
import { checkInert, checkRefusedInOneLine, checkWorksWithWarning, cliCase, linesOf } from './support/bad-input.js';

// Bad input to the CLI, part 2: the deployment `.env` and folder (corrupt, oversized, truncated, wrong-typed,
// misplaced, CRLF and quoted) and ten processes writing both files at once (SPEC §10: nothing corrupted).

const NOTICE_SEEN = { noticeVersion: elmoCatalog.consentVersion };

describe('bad input: deployment .env and folder', () => {
  const e2e = useE2E();

  const corruptEnvs: [string, () => Buffer][] = [
    ['binary', () => Buffer.concat([Buffer.from('DEPLOYMENT_ID=x\n'), Buffer.from([0, 1, 2, 0xff]), randomBytes(32)])],
    [
      'huge (2 MB)',
      () => Buffer.from(`DEPLOYMENT_ID=3f1c6a3e-8a51-4c55-9f5e-0a0c6f0b8d11\n${'# padding\n'.repeat(210_000)}`),
    ],
  ];
  for (const [label, content] of corruptEnvs) {
    cliCase(e2e, `.env ${label}`, async (cell, home) => {
      home.writeConfig(NOTICE_SEEN);
      mkdirSync(home.deployDir, { recursive: true });
      const bytes = content();
      writeFileSync(home.envFile, bytes);
      checkWorksWithWarning(cell, 'status', await home.run(['status']), home.envFile);
      checkRefusedInOneLine(cell, 'init', await home.run(['init', '--yes']), home.envFile);
      checkRefusedInOneLine(cell, 'telemetry enable', await home.run(['telemetry', 'enable']), home.envFile);
      cell.check('the file is unchanged, byte for byte', () =>
        expect(readFileSync(home.envFile).equals(bytes)).toBe(true),
      );
      await checkInert(cell, home, e2e.sink);
    });
  }

  cliCase(e2e, '.env truncated mid-line', async (cell, home) => {
    home.writeConfig(NOTICE_SEEN);
    const init = await home.run(['init', '--yes']);
    cell.check('init exits 0', () => expect(init.code).toBe(0));
    const full = readFileSync(home.envFile, 'utf8');
    const id = /DEPLOYMENT_ID=(\S+)/.exec(full)?.[1];
    // Cut inside the last line (the worker token), as a disk-full or interrupted copy would.
    const truncated = full.slice(0, full.lastIndexOf('=') + 5);
    writeFileSync(home.envFile, truncated);
    const status = await home.run(['telemetry', 'status', '--json']);
    cell.check('status still reads the complete lines (the deployment id)', () => {
      expect(status.code).toBe(0);
      expect(JSON.parse(status.stdout).deploymentId).toBe(id);
    });
    const again = await home.run(['init', '--yes']);
    const after = readFileSync(home.envFile, 'utf8');
    cell.check('init keeps every existing line and the deployment id', () => {
      expect(again.code).toBe(0);
      expect(after.startsWith(truncated)).toBe(true);
      expect(again.stdout).toMatch(/DEPLOYMENT_ID \S+ \(kept\)/);
    });
    cell.note('Fallback: dotenv reads the complete lines; the cut line is kept as written (not repaired).');
  });

  cliCase(e2e, '.env wrong-typed values', async (cell, home) => {
    home.writeConfig(NOTICE_SEEN);
    mkdirSync(home.deployDir, { recursive: true });
    const text = 'DEPLOYMENT_ID=3f1c6a3e-8a51-4c55-9f5e-0a0c6f0b8d11\nDISABLE_TELEMETRY=maybe\nELMO_PORT=eighty\n';
    writeFileSync(home.envFile, text);
    const status = await home.run(['status', '--json']);
    const report = JSON.parse(status.stdout || '{}');
    cell.check('DISABLE_TELEMETRY=maybe disables (one truthy parser: anything but empty/0/false/no/off)', () => {
      expect(report.telemetry).toMatchObject({ enabled: false, source: 'deployment-env' });
    });
    cell.check('status ignores a bad ELMO_PORT and shows the default', () => {
      expect(status.code).toBe(0);
      expect(report.url).toBe('http://localhost:1515');
    });
    const start = await home.run(['start']);
    cell.check('start refuses the bad port in one line (exit 2)', () => {
      expect(start.code).toBe(2);
      expect(linesOf(start.stderr)).toHaveLength(1);
    });
    cell.check('the file is unchanged', () => expect(readFileSync(home.envFile, 'utf8')).toBe(text));
    await checkInert(cell, home, e2e.sink);
  });

  cliCase(e2e, '.env is a folder (unreadable)', async (cell, home) => {
    home.writeConfig(NOTICE_SEEN);
    mkdirSync(home.envFile, { recursive: true });
    checkWorksWithWarning(cell, 'status', await home.run(['status']), home.envFile);
    checkRefusedInOneLine(cell, 'init', await home.run(['init', '--yes']), home.envFile);
    await checkInert(cell, home, e2e.sink);
  });

  cliCase(e2e, 'deployment folder is a file', async (cell, home) => {
    home.writeConfig(NOTICE_SEEN);
    writeFileSync(home.deployDir, 'not a folder');
    const envFile = join(home.deployDir, '.env');
    checkWorksWithWarning(cell, 'status', await home.run(['status']), envFile);
    checkRefusedInOneLine(cell, 'init', await home.run(['init', '--yes']), envFile);
    checkRefusedInOneLine(cell, 'telemetry disable', await home.run(['telemetry', 'disable']), envFile);
    cell.check('the file is unchanged', () => expect(readFileSync(home.deployDir, 'utf8')).toBe('not a folder'));
    await checkInert(cell, home, e2e.sink);
  });

  cliCase(e2e, '.env with CRLF line ends and quoted values', async (cell, home) => {
    home.writeConfig(NOTICE_SEEN);
    mkdirSync(home.deployDir, { recursive: true });
    const id = '3f1c6a3e-8a51-4c55-9f5e-0a0c6f0b8d11';
    const keep = `# written on Windows\r\nDEPLOYMENT_ID="${id}"\r\nOTHER='single quoted # not a comment'\r\n`;
    writeFileSync(home.envFile, `${keep}DISABLE_TELEMETRY='1'\r\n`);
    const status = await home.run(['telemetry', 'status', '--json']);
    const report = JSON.parse(status.stdout || '{}');
    cell.check('the quoted deployment id is read without quotes or CR', () => expect(report.deploymentId).toBe(id));
    cell.check("DISABLE_TELEMETRY='1' disables", () => {
      expect(report).toMatchObject({ enabled: false, source: 'deployment-env' });
    });
    const enable = await home.run(['telemetry', 'enable']);
    cell.check('telemetry enable removes only that line, keeping CRLF, quotes and comments', () => {
      expect(enable.code).toBe(0);
      expect(readFileSync(home.envFile, 'utf8')).toBe(keep);
    });
    const after = JSON.parse((await home.run(['telemetry', 'status', '--json'])).stdout || '{}');
    cell.check('status now says enabled', () => expect(after.enabled).toBe(true));
  });
});

describe('bad input: concurrent writers', () => {
  const e2e = useE2E();
  const RUNS = 10;

  cliCase(
    e2e,
    `${RUNS} concurrent telemetry enable / disable / init`,
    async (cell, home) => {
      home.writeConfig({ ...NOTICE_SEEN, keep: 'me' });
      mkdirSync(home.deployDir, { recursive: true });
      const id = '3f1c6a3e-8a51-4c55-9f5e-0a0c6f0b8d11';
      const kept = `# my deployment\nDEPLOYMENT_ID=${id}\nOTHER=value # inline\n`;
      writeFileSync(home.envFile, kept);
      const commands = [
        ['telemetry', 'enable'],
        ['telemetry', 'disable'],
        ['init', '--yes'],
      ];
      const runs = await Promise.all(
        Array.from({ length: RUNS }, (_, i) => home.run(commands[i % 3] as string[], { timeoutMs: 30_000 })),
      );
      cell.check('every process exits 0 with nothing on stderr', () => {
        expect(runs.map((r) => [r.code, r.stderr])).toEqual(runs.map(() => [0, '']));
      });
      const config = home.readConfig();
      cell.check('config.json is valid JSON and keeps the other key', () =>
        expect(config).toMatchObject({ keep: 'me' }),
      );
      const env = readFileSync(home.envFile, 'utf8');
      cell.check('.env keeps its comment, its other line and exactly one DEPLOYMENT_ID', () => {
        expect(env.startsWith(kept)).toBe(true);
        expect(env.match(/^DEPLOYMENT_ID=/gm)).toHaveLength(1);
        expect(env.match(/^DISABLE_TELEMETRY=/gm)?.length ?? 0).toBeLessThanOrEqual(1);
        expect(env.match(/^ELMO_INTERNAL_TOKEN=/gm)).toHaveLength(1);
      });
      cell.check('no temp or lock file is left behind', () => {
        const leftovers = [home.deployDir, join(home.configFile, '..')].flatMap((dir) =>
          readdirSync(dir).filter((name) => /\.tmp$|\.lock$/.test(name)),
        );
        expect(leftovers).toEqual([]);
      });
      const status = JSON.parse((await home.run(['telemetry', 'status', '--json'])).stdout || '{}');
      cell.check('status still reads both files', () => {
        expect(status).toMatchObject({ configState: 'ok', envState: 'ok', deploymentId: id });
      });
    },
    60_000,
  );

  cliCase(
    e2e,
    `${RUNS} concurrent init on a fresh folder`,
    async (cell, home) => {
      home.writeConfig(NOTICE_SEEN);
      const runs = await Promise.all(
        Array.from({ length: RUNS }, () => home.run(['init', '--yes'], { timeoutMs: 30_000 })),
      );
      cell.check('every init exits 0', () => expect(runs.map((r) => r.code)).toEqual(runs.map(() => 0)));
      const env = readFileSync(home.envFile, 'utf8');
      const ids = env.match(/^DEPLOYMENT_ID=(.+)$/gm) ?? [];
      cell.check('the .env has exactly one DEPLOYMENT_ID and one worker token', () => {
        expect(ids).toHaveLength(1);
        expect(env.match(/^ELMO_INTERNAL_TOKEN=/gm)).toHaveLength(1);
      });
      const printed = runs.map((r) => /DEPLOYMENT_ID (\S+) \((new|kept)\)/.exec(r.stdout));
      cell.check('every run printed the stored id; exactly one created it', () => {
        const stored = ids[0]?.split('=')[1]?.slice(0, 8);
        expect(printed.map((m) => m?.[1]?.slice(0, 8))).toEqual(runs.map(() => stored));
        expect(printed.filter((m) => m?.[2] === 'new')).toHaveLength(1);
      });
    },
    60_000,
  );
});
