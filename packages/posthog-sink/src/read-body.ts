import type { IncomingMessage } from 'node:http';

/** A request body, capped so a runaway client cannot exhaust memory. */
export interface ReadBody {
  body: Buffer;
  tooLarge: boolean;
  aborted: boolean;
}

/** Reads the whole body, keeping at most `maxBytes`; the rest is drained so the client still gets its answer. */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<ReadBody> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () => resolve({ body: Buffer.concat(chunks), tooLarge, aborted: false }));
    // 'close' before 'end' means the client went away mid-body.
    req.on('close', () => {
      if (!req.complete) resolve({ body: Buffer.concat(chunks), tooLarge, aborted: true });
    });
  });
}
