import { describe, expect, it } from 'vitest';
import { runCell } from './support/cell.js';
import { createCliHome } from './support/cli-cell.js';
import { CLI_CHANNELS, pushThroughCli } from './support/cli-privacy.js';
import { generateCorpus } from './support/corpus.js';
import { findLeaks, wireText } from './support/leak-scan.js';
import { startSwitchableSink } from './support/switchable-sink.js';

// The privacy corpus through every input the CLI takes. The corpus is generated from a fixed seed, so a leak
// found here is reproducible by secret id.

const corpus = generateCorpus();

describe('privacy corpus through the CLI', () => {
  it.concurrent.each(CLI_CHANNELS.map((c) => [c.label, c] as const))(
    '%s',
    async (_label, channel) => {
      await runCell('privacy', `CLI: ${channel.label}`, 'cli', (cell) => pushThroughCli(cell, channel, corpus));
    },
    120_000,
  );

  it('positive control: the scanner finds what did reach the wire (the newsletter email, the install id)', async () => {
    // The newsletter signup is the one disclosed exception (SPEC §6): its email must be found, or the scan
    // proves nothing. The control email is generated with another seed, so it is not in the corpus.
    const control = generateCorpus(1, 0xc0ffee)[0]?.value as string;
    await runCell('privacy', 'scanner positive control', 'cli', async (cell) => {
      const sink = await startSwitchableSink();
      const home = createCliHome(sink.url);
      try {
        const run = await home.run(['init', '--yes', '--email', control]);
        cell.check('init with --email succeeds', () => expect(run.code).toBe(0));
        await cell.checkAsync('the signup arrives', async () => {
          const deadline = Date.now() + 15_000;
          while (!sink.events().some((e) => e.event === 'newsletter_signup') && Date.now() < deadline) {
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
          await home.waitForSenders();
          expect(sink.events().some((e) => e.event === 'newsletter_signup')).toBe(true);
        });
        const haystack = wireText(sink.rawBytes(), sink.requests());
        const installId = String(home.readConfig()?.installId);
        cell.check('the scanner finds the email in the gzip bodies', () => {
          expect(findLeaks([{ id: -1, category: 'email', value: control, fragments: [] }], haystack)).toHaveLength(1);
        });
        cell.check('the scanner finds the install id', () => expect(haystack.includes(installId)).toBe(true));
        cell.check('gzip bodies were decoded (the raw bodies alone do not contain the email)', () => {
          const raw = Buffer.concat(sink.requests().map((r) => r.body)).toString('latin1');
          expect(raw.includes(control)).toBe(false);
        });
      } finally {
        home.cleanup();
        await sink.close();
      }
    });
  }, 60_000);
});
