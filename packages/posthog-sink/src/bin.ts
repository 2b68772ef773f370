#!/usr/bin/env node
import { renameSync, writeFileSync } from 'node:fs';
import type { ReceivedEvent } from './capture.js';
import { parseCliArgs, USAGE } from './cli-args.js';
import { describeMode } from './modes.js';
import type { ReceivedRequest } from './recorder.js';
import { startSink } from './sink.js';

function main(): Promise<void> | undefined {
  let args: ReturnType<typeof parseCliArgs>;
  try {
    args = parseCliArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`posthog-sink: ${(error as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return undefined;
  }
  if (args.help) {
    process.stdout.write(USAGE);
    return undefined;
  }
  const log = (line: string) => {
    if (!args.quiet) process.stdout.write(`${line}\n`);
  };
  return startSink({
    port: args.port,
    host: args.host,
    mode: args.mode,
    ...(args.token !== undefined && { token: args.token }),
    onEvent: (event) => log(formatEvent(event)),
    onRequest: (request) => {
      if (request.outcome !== 'answered' || (request.status ?? 200) >= 300) log(formatRequest(request));
    },
  }).then((sink) => {
    if (args.portFile !== undefined) {
      // Write then rename, so a script polling for the file never reads it half-written.
      const temp = `${args.portFile}.${process.pid}.tmp`;
      writeFileSync(temp, `${sink.port}\n`);
      renameSync(temp, args.portFile);
    }
    const mode = args.mode.kind === 'healthy' ? '' : ` [mode ${describeMode(args.mode)}]`;
    process.stdout.write(`PostHog sink listening on ${sink.url} (events at ${sink.url}/)${mode}\n`);
    const stop = () => {
      sink.close().then(() => process.exit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

function formatEvent(event: ReceivedEvent): string {
  const time = new Date(event.receivedAt).toISOString().slice(11, 23);
  const props = Object.keys(event.properties).length;
  return `${time}  ${printable(event.event)}  distinct_id=${printable(event.distinctId)}  (${props} props, ${event.path})`;
}

// Client-supplied text must not be able to move the cursor or forge log lines in the terminal.
function printable(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

function formatRequest(request: ReceivedRequest): string {
  const time = new Date(request.receivedAt).toISOString().slice(11, 23);
  // Events accepted without an answer are the ones a client may resend, so the log says so.
  const accepted = request.accepted > 0 && request.status === undefined ? ` (${request.accepted} accepted)` : '';
  return `${time}  ${request.method} ${request.path} -> ${request.status ?? request.outcome}${accepted}`;
}

main()?.catch((error: unknown) => {
  process.stderr.write(`posthog-sink: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
