import { createServer as createHttpServer } from 'node:http';
import { connect, createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { getFreePort, listenOnLoopback } from './ports.js';

/** Whether a TCP connection to 127.0.0.1:port is accepted. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('getFreePort', () => {
  it('gives a port nothing listens on, which the caller can then bind', async () => {
    const port = await getFreePort();
    expect(port).toBeGreaterThan(0);
    expect(await accepts(port)).toBe(false);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    expect(await accepts(port)).toBe(true);
    await new Promise((resolve) => server.close(resolve));
  });
});

describe('listenOnLoopback', () => {
  it('serves on a free port and closes, hung connections included', async () => {
    const server = createHttpServer((_request, response) => response.end('ok'));
    const listening = await listenOnLoopback(server);
    expect(listening.url).toBe(`http://127.0.0.1:${listening.port}`);
    expect(await (await fetch(listening.url)).text()).toBe('ok');
    await listening.close();
    expect(await accepts(listening.port)).toBe(false);
  });
});
