import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { elmoCatalog } from './catalog.js';
import { collectedSummary, firstRunNotice, renderDisclosure } from './disclosure.js';
import { DISCLOSURE_PATH } from './disclosure-path.js';

describe('docs/TELEMETRY.md', () => {
  it('is the file generated from the catalog (run `pnpm docs:telemetry` after changing the catalog)', () => {
    const committed = readFileSync(DISCLOSURE_PATH, 'utf8');
    expect(committed).toBe(renderDisclosure(elmoCatalog));
  });

  it('lists every event and every property of the catalog', () => {
    const text = renderDisclosure(elmoCatalog);
    for (const event of Object.values(elmoCatalog.events)) {
      expect(text).toContain(`### \`${event.name}\``);
      for (const [name, spec] of Object.entries(event.properties)) {
        expect(text).toContain(`| \`${name}\` |`);
        // A rows property names each of its columns, and its bound.
        if (spec.kind !== 'rows') continue;
        expect(text).toContain(`| \`${name}\` | list of at most ${spec.maxRows} rows`);
        for (const column of Object.keys(spec.columns)) expect(text).toContain(`| \`${name}[].${column}\` |`);
      }
    }
    for (const name of Object.keys(elmoCatalog.common)) expect(text).toContain(`| \`${name}\` |`);
  });

  it('shows each event’s owner, the question it answers, the version it was added in and its expiry', () => {
    const text = renderDisclosure(elmoCatalog);
    for (const event of Object.values(elmoCatalog.events)) {
      const section = text.slice(text.indexOf(`### \`${event.name}\``)).split('\n### ')[0] ?? '';
      expect(section).toContain(`- Question it answers: ${event.question}`);
      expect(section).toContain(`- Owner: ${event.owner}`);
      expect(section).toContain(`- Added in: ${event.added}`);
      expect(section).toContain('date' in event.expires ? event.expires.date : `never. ${event.expires.never}`);
    }
  });

  it('names the newsletter and the deletion request as the exceptions and says what PostHog may record', () => {
    const text = renderDisclosure(elmoCatalog);
    expect(text).toContain('The exceptions: the newsletter signup and the deletion request');
    expect(text).toContain('Discard client IP data');
  });

  it('says what --forget does, what the maintainers promise to do with a deletion request, and the ephemeral id', () => {
    const text = renderDisclosure(elmoCatalog);
    expect(text).toContain('`elmo telemetry disable --forget`');
    expect(text).toMatch(
      /within 30 days of receiving a deletion request, delete every event\s+of that id from PostHog/,
    );
    expect(text).toContain('`ELMO_TELEMETRY_ID=ephemeral`');
    expect(text).not.toContain('Person properties set: .');
  });
});

describe('texts generated from the catalog', () => {
  it('the first-run notice is one short paragraph saying how to turn it off', () => {
    const notice = firstRunNotice(elmoCatalog);
    expect(notice.split('\n').length).toBeLessThanOrEqual(4);
    expect(notice).toContain('elmo telemetry disable');
    expect(notice).toContain('DO_NOT_TRACK=1');
    expect(notice).toContain('Nothing is sent during this run');
  });

  it('the summary lists tracked events, not the explicit one', () => {
    const summary = collectedSummary(elmoCatalog);
    expect(summary.collected.some((line) => line.startsWith('cli_command:'))).toBe(true);
    expect(summary.collected.some((line) => line.startsWith('newsletter_signup'))).toBe(false);
    expect(summary.neverCollected.length).toBeGreaterThan(3);
  });
});
