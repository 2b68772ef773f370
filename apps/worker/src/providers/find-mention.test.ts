import { describe, expect, it } from 'vitest';
import { findMention } from './find-mention.js';

describe('findMention', () => {
  it('gives the 1-based line where the brand is first named, in any case', () => {
    expect(findMention('Options:\n1. Globex\n2. ACME tools\n3. acme again', 'Acme')).toBe(3);
    expect(findMention('Acme first', 'acme')).toBe(1);
    expect(findMention('a\r\nb\r\nAcme', 'Acme')).toBe(3);
  });

  it('is null when the brand is not named, or blank', () => {
    expect(findMention('Options:\n1. Globex', 'Acme')).toBeNull();
    expect(findMention('anything', '  ')).toBeNull();
    expect(findMention('', 'Acme')).toBeNull();
  });
});
