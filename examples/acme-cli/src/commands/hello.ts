import { Command } from 'commander';
import type { AcmeDeps } from '../deps.js';

/** `acme hello [name]`: the tracked command. The name is printed, never sent (the catalog has no place for it). */
export function makeHelloCommand(deps: AcmeDeps): Command {
  return new Command('hello')
    .description('Say hello (tracked: `acme_command` with the command name and duration)')
    .argument('[name]', 'who to greet', 'world')
    .action((name: string) => deps.stdout(`Hello, ${name}!\n`));
}
