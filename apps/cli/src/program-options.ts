import type { DeclaredOption } from '@elmo/telemetry-core';
import type { Command } from 'commander';

function strip(flag: string | undefined, prefix: RegExp): string | undefined {
  return flag?.replace(prefix, '');
}

/** Every option the program declares, on every command, plus help and version: the allow-list for `flags`. */
export function listDeclaredOptions(program: Command): DeclaredOption[] {
  const declared: DeclaredOption[] = [
    { long: 'help', short: 'h' },
    { long: 'version', short: 'V' },
  ];
  const visit = (command: Command) => {
    for (const option of command.options) {
      // `--no-telemetry` is the negation of `telemetry`; usedFlagNames maps `no-x` back to `x` itself.
      const long = strip(option.long, /^--(no-)?/);
      if (!long) continue;
      const short = strip(option.short, /^-/);
      declared.push(short ? { long, short } : { long });
    }
    for (const sub of command.commands) visit(sub);
  };
  visit(program);
  return declared;
}

/** The value of `--name v` or `--name=v` in argv (before `--`), when commander could not parse it for us. */
export function peekOptionValue(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i += 1) {
    const token = argv[i] ?? '';
    if (token === '--') return undefined;
    if (token === `--${name}`) return argv[i + 1];
    if (token.startsWith(`--${name}=`)) return token.slice(name.length + 3);
  }
  return undefined;
}

/** The top-level command an action belongs to (`telemetry` for `telemetry status`). */
export function topLevelCommand(command: Command): Command {
  let current = command;
  while (current.parent?.parent) current = current.parent;
  return current;
}

/** The full command path without the binary name, e.g. `telemetry status`. */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let current: Command | null = command; current?.parent; current = current.parent) names.unshift(current.name());
  return names.join(' ');
}
