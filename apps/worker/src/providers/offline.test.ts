import { describe, expect, it } from 'vitest';
import { findMention } from './find-mention.js';
import { createOfflineClient, offlineAnswer } from './offline.js';
import { StopRequested } from './provider-error.js';

describe('the offline provider', () => {
  it('answers the same for the same brand and prompt, and differently across prompts', () => {
    expect(offlineAnswer('Acme', 'best anvils?')).toBe(offlineAnswer('Acme', 'best anvils?'));
    const answers = new Set(Array.from({ length: 20 }, (_, i) => offlineAnswer('Acme', `prompt ${i}`)));
    expect(answers.size).toBeGreaterThan(5);
  });

  it('names the brand for some prompts and not for others, at varying lines', () => {
    const positions = Array.from({ length: 60 }, (_, i) =>
      findMention(offlineAnswer('Zyxel', `question ${i}`), 'Zyxel'),
    );
    const mentioned = positions.filter((p) => p !== null);
    expect(mentioned.length).toBeGreaterThan(20);
    expect(mentioned.length).toBeLessThan(60);
    expect(new Set(mentioned).size).toBeGreaterThan(2);
    expect(mentioned.every((p) => p !== null && p >= 2 && p <= 5)).toBe(true);
  });

  it('never echoes the prompt, and stops when asked to', async () => {
    const client = createOfflineClient();
    expect(
      await client.ask({ brand: 'Acme', prompt: 'unique-prompt-text' }, new AbortController().signal),
    ).not.toContain('unique-prompt-text');
    await expect(client.ask({ brand: 'Acme', prompt: 'x' }, AbortSignal.abort())).rejects.toBeInstanceOf(StopRequested);
  });
});
