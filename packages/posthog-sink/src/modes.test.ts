import { describe, expect, it } from 'vitest';
import { describeMode, ModeController, normalizeMode } from './modes.js';

describe('modes', () => {
  it('parses shorthands', () => {
    expect(normalizeMode('status:503')).toEqual({ kind: 'status', status: 503 });
    expect(normalizeMode('slow:250')).toEqual({ kind: 'slow', delayMs: 250 });
    expect(normalizeMode('slow')).toEqual({ kind: 'slow', delayMs: 1000 });
    expect(normalizeMode('hang')).toEqual({ kind: 'hang' });
    expect(normalizeMode('lost-response')).toEqual({ kind: 'lost-response' });
    expect(() => normalizeMode('lost' as 'hang')).toThrow(/lost-response/);
    expect(() => normalizeMode('status:abc' as 'status:0')).toThrow(/Unknown sink mode/);
    expect(() => normalizeMode('status:999')).toThrow(/between 200 and 599/);
    expect(() => normalizeMode({ kind: 'reset', times: 0 })).toThrow(/times/);
  });

  it('counts down `times` and returns to healthy', () => {
    const modes = new ModeController({ kind: 'status', status: 500, times: 2 });
    expect(modes.take(1).kind).toBe('status');
    expect(modes.take(1).kind).toBe('status');
    expect(modes.take(1).kind).toBe('healthy');
  });

  it('counts down `times` of lost-response and describes it', () => {
    const modes = new ModeController({ kind: 'lost-response', times: 2 });
    expect(describeMode(modes.current)).toBe('lost-response (next 2)');
    expect(modes.take(1).kind).toBe('lost-response');
    expect(modes.take(1).kind).toBe('lost-response');
    expect(modes.take(1).kind).toBe('healthy');
  });

  it('applies a size-conditional status only to large batches', () => {
    const modes = new ModeController({ kind: 'status', status: 413, whenBatchLargerThan: 2, times: 1 });
    expect(modes.take(2).kind).toBe('healthy');
    expect(modes.take(3).kind).toBe('status');
    expect(modes.take(3).kind).toBe('healthy');
  });
});
