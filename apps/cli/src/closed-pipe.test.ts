import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { guardClosedPipe } from './closed-pipe.js';

const failure = (code: string) => Object.assign(new Error(`write ${code}`), { code });

describe('guardClosedPipe', () => {
  it('drops EPIPE (the reader went away) and still throws any other error of the stream', () => {
    const stream = guardClosedPipe(new EventEmitter());
    expect(() => stream.emit('error', failure('EPIPE'))).not.toThrow();
    expect(() => stream.emit('error', failure('EIO'))).toThrow('write EIO');
  });

  it('sets its listener up once, however often it is asked', () => {
    const stream = new EventEmitter();
    for (let i = 0; i < 3; i += 1) expect(guardClosedPipe(stream)).toBe(stream);
    expect(stream.listenerCount('error')).toBe(1);
  });
});
