import { elmoCatalog } from '@elmo/elmo-telemetry';
import { expectInert, useE2E } from '@elmo/test-support/vitest';
import { describe, expect, it } from 'vitest';

// Node lets a preload redefine process.versions.node (its property is configurable): the honest stand-in for an
// old Node, which elmo sees only through that property.
const pretendNode = (version: string) => [
  '--import',
  `data:text/javascript,Object.defineProperty(process.versions,'node',{value:'${version}'})`,
];

describe('node version check', () => {
  const e2e = useE2E();

  it('refuses an unsupported Node with one line naming the supported versions, before anything else runs', async () => {
    const { home } = e2e;
    const run = await home.run(['--version'], { nodeArgs: pretendNode('18.20.4') });
    expect(run.stderr).toBe('elmo: Node.js 18.20.4 is not supported; use Node.js 20.20+, 22.22+ or 24\n');
    expect(run.stdout).toBe('');
    expect(run.code).toBe(1);
    // Nothing of the CLI ran: no first-run notice was recorded, no telemetry.
    expect(home.readConfig()).toBeUndefined();
    await expectInert(e2e);
  });

  it(`runs on this Node (${process.version})`, async () => {
    const { home } = e2e;
    home.writeConfig({ noticeVersion: elmoCatalog.consentVersion });
    const run = await home.run(['--version']);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('0.1.0\n');
    expect(run.code).toBe(0);
  });
});
