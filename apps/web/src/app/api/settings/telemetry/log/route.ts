import { createReadStream, existsSync } from 'node:fs';
import { Readable } from 'node:stream';
import { withRoute } from '../../../../../server/http/with-route';

export const dynamic = 'force-dynamic';

/** The files one after another, as they are: each line of the log is already one JSON object. */
async function* concatenate(files: string[]): AsyncGenerator<Buffer> {
  for (const file of files) {
    if (!existsSync(file)) continue;
    try {
      for await (const chunk of createReadStream(file)) yield chunk as Buffer;
    } catch (error) {
      // Rotated away between the check and the read: the rest of the log still follows.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

/** The deployment's local telemetry log (rotated generation first), as a JSONL download. */
export const GET = withRoute('/api/settings/telemetry/log', async (_request, _params, { telemetry }) => {
  const stream = Readable.toWeb(Readable.from(concatenate(telemetry.logFiles()))) as ReadableStream<Uint8Array>;
  return new Response(stream, {
    headers: {
      'content-type': 'application/x-ndjson; charset=utf-8',
      'content-disposition': 'attachment; filename="elmo-telemetry-events.jsonl"',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  });
});
