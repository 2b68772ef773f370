import { elmoCatalog } from '@elmo/elmo-telemetry';
import { useE2E } from '@elmo/test-support/vitest';
import { describe, expect, it } from 'vitest';

// A reader that stops early (`elmo --help | head -1`) closes the pipe before elmo is done writing. That ends elmo's
// output, never the command: no stack trace, the exit code the command has anyway, and its telemetry finished.
describe('a reader that closes the pipe early', () => {
  const e2e = useE2E();

  it.each([
    ['--help', ['--help']],
    ['--version (answered by bin.js alone)', ['--version']],
    ['telemetry --help', ['telemetry', '--help']],
  ])('`elmo %s` with stdout closed exits 0 and prints nothing on stderr', async (_name, args) => {
    const run = await e2e.home.run(args, { closeOutput: 'stdout' });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('`elmo status` with stdout closed still records its event, which reaches PostHog', async () => {
    const { home, sink } = e2e;
    home.writeConfig({ telemetryChoice: 'enabled', noticeVersion: elmoCatalog.consentVersion });
    const run = await home.run(['status'], { closeOutput: 'stdout' });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    await sink.waitForEvents(1);
    await home.waitForSenders();
    expect(sink.events.map((event) => [event.event, event.properties.command])).toEqual([['cli_command', 'status']]);
  });

  it('an error with stderr closed keeps the exit code it has with stderr open', async () => {
    const open = await e2e.home.run(['nope']);
    const closed = await e2e.home.run(['nope'], { closeOutput: 'stderr' });
    expect(open.stderr).toContain('unknown command');
    expect(open.code).not.toBe(0);
    expect(closed.code).toBe(open.code);
    expect(closed.stdout).toBe(open.stdout);
  });
});
