import { describe, expect, it } from 'vitest';
import { BoundedQueue } from './queue.js';

describe('BoundedQueue', () => {
  it('drops the oldest item when full and counts the drops', () => {
    const queue = new BoundedQueue<number>(3);
    for (let i = 1; i <= 5; i += 1) queue.push(i);
    expect(queue.size).toBe(3);
    expect(queue.dropped).toBe(2);
    expect(queue.take()).toEqual([3, 4, 5]);
    expect(queue.size).toBe(0);
  });

  it('takes in order, a batch at a time, across compactions', () => {
    const queue = new BoundedQueue<number>(5000);
    for (let i = 0; i < 4000; i += 1) queue.push(i);
    const first = queue.take(2500);
    expect(first[0]).toBe(0);
    expect(first.at(-1)).toBe(2499);
    queue.push(4000);
    expect(queue.take()).toEqual(Array.from({ length: 1501 }, (_, i) => 2500 + i));
  });

  it('clear empties the queue without counting capacity drops', () => {
    const queue = new BoundedQueue<string>(2);
    queue.push('a');
    expect(queue.clear()).toBe(1);
    expect(queue.dropped).toBe(0);
  });

  it('push returns the item it dropped', () => {
    const queue = new BoundedQueue<string>(1);
    expect(queue.push('a')).toBeUndefined();
    expect(queue.push('b')).toBe('a');
  });

  it('requeue puts a batch back in front, dropping and returning the oldest beyond the capacity', () => {
    const queue = new BoundedQueue<number>(4);
    for (let i = 1; i <= 4; i += 1) queue.push(i);
    const batch = queue.take(2);
    queue.push(5);
    expect(queue.requeue(batch)).toEqual([1]);
    expect(queue.dropped).toBe(1);
    expect(queue.take()).toEqual([2, 3, 4, 5]);
  });

  it('peek shows the oldest items without taking them', () => {
    const queue = new BoundedQueue<number>(4);
    for (let i = 1; i <= 3; i += 1) queue.push(i);
    queue.take(1);
    expect(queue.peek(5)).toEqual([2, 3]);
    expect(queue.peek(1)).toEqual([2]);
    expect(queue.take()).toEqual([2, 3]);
  });

  it('refuses a capacity below one', () => {
    expect(() => new BoundedQueue(0)).toThrow(RangeError);
  });
});
