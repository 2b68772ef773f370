import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isSupportedNode, SUPPORTED_NODE, unsupportedNodeMessage } from './node-version.js';

describe('node version check', () => {
  it.each([
    ['20.20.0', true],
    ['20.20.2', true],
    ['22.22.0', true],
    ['22.23.5', true],
    ['24.0.0', true],
    ['24.22.3', true],
    ['18.20.4', false],
    ['20.12.0', false],
    ['20.19.9', false],
    ['21.7.3', false],
    ['22.21.1', false],
    ['23.11.0', false],
    ['25.0.0', false],
  ])('Node.js %s supported: %s', (version, supported) => {
    expect(isSupportedNode(version)).toBe(supported);
  });

  it('names the version and the supported ones in one line', () => {
    expect(unsupportedNodeMessage('18.20.4')).toBe(
      'elmo: Node.js 18.20.4 is not supported; use Node.js 20.20+, 22.22+ or 24',
    );
    expect(unsupportedNodeMessage(process.versions.node)).toBeUndefined();
  });

  it('enforces the range engines.node of the root and of every app states', () => {
    for (const manifest of [
      '../package.json',
      '../../web/package.json',
      '../../worker/package.json',
      '../../../package.json',
    ]) {
      const { engines } = JSON.parse(readFileSync(new URL(manifest, import.meta.url), 'utf8')) as {
        engines?: { node?: string };
      };
      expect(engines?.node, manifest).toBe(SUPPORTED_NODE);
    }
  });
});
