import { describe, expect, it } from 'vitest';
import { CliError } from '../cli-error.js';
import { parseSince } from './telemetry-log.js';

const NOW = Date.UTC(2026, 0, 31, 12, 0, 0);

describe('parseSince', () => {
  it.each([
    ['30s', NOW - 30_000],
    ['30m', NOW - 30 * 60_000],
    ['24h', NOW - 24 * 3_600_000],
    ['7d', NOW - 7 * 86_400_000],
    ['2w', NOW - 14 * 86_400_000],
    ['2026-01-30', Date.UTC(2026, 0, 30)],
    ['2026-01-30T09:15:00Z', Date.UTC(2026, 0, 30, 9, 15)],
    ['2026-01-30T09:15:00.500+02:00', Date.UTC(2026, 0, 30, 7, 15, 0, 500)],
  ])('%s', (value, expected) => {
    expect(parseSince(value, NOW)).toBe(expected);
  });

  it.each(['', 'yesterday', '24', '-1h', '1y', '2026-13-45', '31/01/2026', '1e3h'])(
    'refuses %j with a usage error (exit code 2)',
    (value) => {
      const error = (() => {
        try {
          parseSince(value, NOW);
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).toBeInstanceOf(CliError);
      expect(error).toMatchObject({ code: 'usage', exitCode: 2 });
      expect(String((error as Error).message)).toContain('--since must be');
    },
  );
});
