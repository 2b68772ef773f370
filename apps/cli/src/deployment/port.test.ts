import { describe, expect, it } from 'vitest';
import { CliError } from '../cli-error.js';
import { parsePort, resolvePort } from './port.js';

describe('ports', () => {
  it('parses 1–65535 only', () => {
    expect([parsePort('1'), parsePort('65535'), parsePort(' 8080 ')]).toEqual([1, 65535, 8080]);
    for (const bad of ['0', '65536', '-1', '1e3', '80.5', 'x', '']) expect(parsePort(bad), bad).toBeUndefined();
  });

  it('takes --port, else ELMO_PORT, else the .env, else 1515', () => {
    expect(resolvePort({ env: {}, values: {} })).toBe(1515);
    expect(resolvePort({ env: {}, values: { ELMO_PORT: '3000' } })).toBe(3000);
    expect(resolvePort({ env: { ELMO_PORT: '4000' }, values: { ELMO_PORT: '3000' } })).toBe(4000);
    expect(resolvePort({ flag: '5000', env: { ELMO_PORT: '4000' }, values: {} })).toBe(5000);
  });

  it('refuses an invalid port with invalid_port and exit code 2', () => {
    try {
      resolvePort({ flag: '70000', env: {}, values: {} });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CliError);
      expect(error).toMatchObject({ code: 'invalid_port', exitCode: 2 });
    }
  });
});
