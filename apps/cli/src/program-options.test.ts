import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { commandPath, listDeclaredOptions, peekOptionValue, topLevelCommand } from './program-options.js';

describe('program options', () => {
  const program = new Command('elmo');
  const init = program
    .command('init')
    .option('--dir <path>')
    .option('--telemetry')
    .option('--no-telemetry')
    .option('-y, --yes');
  const status = program.command('telemetry').command('status').option('--json');

  it('lists every declared option once per declaration, negations under their base name', () => {
    expect(listDeclaredOptions(program)).toEqual([
      { long: 'help', short: 'h' },
      { long: 'version', short: 'V' },
      { long: 'dir' },
      { long: 'telemetry' },
      { long: 'telemetry' },
      { long: 'yes', short: 'y' },
      { long: 'json' },
    ]);
  });

  it('peeks at an option value in both forms, never past --', () => {
    expect(peekOptionValue(['x', '--dir', '/a'], 'dir')).toBe('/a');
    expect(peekOptionValue(['--dir=/b'], 'dir')).toBe('/b');
    expect(peekOptionValue(['--', '--dir', '/c'], 'dir')).toBeUndefined();
    expect(peekOptionValue(['--directory', '/d'], 'dir')).toBeUndefined();
  });

  it('names commands by their path', () => {
    expect(commandPath(status)).toBe('telemetry status');
    expect(topLevelCommand(status).name()).toBe('telemetry');
    expect(topLevelCommand(init).name()).toBe('init');
  });
});
