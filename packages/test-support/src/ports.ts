import type { Server as HttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';

/**
 * A free TCP port on 127.0.0.1: the OS picks one, which is released for the caller to bind. Nothing listens on
 * it afterwards, so it also serves as an endpoint that refuses connections.
 */
export function getFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** A server listening on a loopback port the OS chose. */
export interface LoopbackServer {
  port: number;
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Ends open connections (hung ones too) and stops listening. */
  close(): Promise<void>;
}

/** Makes `server` (an HTTP or plain TCP server) listen on a free 127.0.0.1 port. */
export async function listenOnLoopback(server: Server | HttpServer): Promise<LoopbackServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('the server has no port');
  return {
    port: address.port,
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
