import { parseArgs } from 'node:util';
import { normalizeMode, type SinkModeName, type SinkModeSpec } from './modes.js';

/** The bin's settings, parsed from argv. */
export interface CliArgs {
  port: number;
  host: string;
  mode: SinkModeSpec;
  token?: string;
  portFile?: string;
  quiet: boolean;
  help: boolean;
}

/** Usage text printed by `--help`. */
export const USAGE = `Usage: posthog-sink [options]

A PostHog-compatible receiver for tests, benchmarks and demos. Nothing is forwarded anywhere.

Options:
  --port <n>         port to listen on (default 0: a free port)
  --host <addr>      address to bind (default 127.0.0.1)
  --mode <mode>      healthy | hang | reset | lost-response | slow | slow:<ms> | status:<code>
                     (default healthy)
  --token <token>    answer 401 to any other project token
  --port-file <path> write the chosen port to this file once listening
  --quiet            do not log each event
  -h, --help         show this help
`;

/** Parses the bin's arguments; throws a readable error for bad values. */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      mode: { type: 'string', default: 'healthy' },
      token: { type: 'string' },
      'port-file': { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Invalid --port "${values.port}"`);
  return {
    port,
    host: values.host,
    mode: normalizeMode(values.mode as SinkModeName),
    ...(values.token !== undefined && { token: values.token }),
    ...(values['port-file'] !== undefined && { portFile: values['port-file'] }),
    quiet: values.quiet,
    help: values.help,
  };
}
