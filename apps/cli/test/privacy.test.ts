import { elmoCatalog } from '@elmo/elmo-telemetry';
import { useE2E } from '@elmo/test-support/vitest';
import { describe, expect, it } from 'vitest';

const SECRETS = ['s3cr3t', 'hunter2', '/home/alice', 'secret.txt', 'alice@example.com', 'pa55word', 'private-dir'];

describe('secrets in arguments never reach the wire', () => {
  const e2e = useE2E();

  it('invalid invocations are tracked as invalid with declared flag names only, and no value is ever sent', async () => {
    const { sink, home } = e2e;
    home.writeConfig({ noticeVersion: elmoCatalog.consentVersion });
    const invocations: { args: string[]; command: string; code: number; flags: string[]; error?: string }[] = [
      {
        args: ['init', '--token=s3cr3t', '/home/alice/secret.txt', 'alice@example.com'],
        command: 'init',
        code: 2,
        flags: [],
        error: 'usage',
      },
      {
        args: ['init', '--yes', '--token', 's3cr3t', '--dir=/home/alice/private-dir'],
        command: 'init',
        code: 2,
        flags: ['dir', 'yes'],
        error: 'usage',
      },
      {
        args: [
          'init',
          '--email=alice@example.com',
          '--database-url',
          'postgres://u:pa55word@db/x',
          '/home/alice/secret.txt',
        ],
        command: 'init',
        code: 2,
        flags: ['database-url', 'email'],
        error: 'usage',
      },
      {
        args: ['st', '--dir', '/home/alice/private-dir', '--password=hunter2'],
        command: 'status',
        code: 2,
        flags: ['dir'],
        error: 'usage',
      },
      {
        args: ['/home/alice/secret.txt', '--token=s3cr3t'],
        command: 'unknown',
        code: 2,
        flags: [],
        error: 'unknown_command',
      },
      { args: ['start', '--port', 'hunter2'], command: 'start', code: 2, flags: ['port'], error: 'invalid_port' },
      { args: ['status', '--dir=/home/alice/private-dir'], command: 'status', code: 0, flags: ['dir'] },
    ];
    for (const { args, code } of invocations) {
      const run = await home.run(args);
      expect(run.code, args.join(' ')).toBe(code);
      if (code !== 0) expect(run.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
    const events = await sink.waitForEvents(invocations.length, { timeoutMs: 10_000 });
    await home.waitForSenders();
    const byOrder = [...events].sort((a, b) => String(a.timestamp).localeCompare(String(b.timestamp)));
    invocations.forEach(({ command, flags, error, code }, i) => {
      expect(byOrder[i]?.properties).toMatchObject({
        command,
        flags,
        status: code === 0 ? 'success' : 'invalid',
        ...(error ? { error_code: error } : {}),
      });
    });
    expect(byOrder[3]?.properties.called_as).toBe('st');
    const wire = sink.rawBytes().toString('latin1');
    for (const secret of SECRETS) expect(wire.includes(secret), `"${secret}" on the wire`).toBe(false);
  });
});
