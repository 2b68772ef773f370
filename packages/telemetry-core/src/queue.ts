/** A first-in first-out queue with a fixed capacity that drops its oldest item when full, and counts drops. */
export class BoundedQueue<T> {
  #items: T[] = [];
  #head = 0;
  #dropped = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
  }

  /** Adds an item, dropping the oldest one when the queue is full. */
  push(item: T): void {
    if (this.size >= this.capacity) {
      this.#head += 1;
      this.#dropped += 1;
    }
    this.#items.push(item);
    this.#compact();
  }

  /** Removes and returns up to `max` of the oldest items. */
  take(max = Number.POSITIVE_INFINITY): T[] {
    const end = Math.min(this.#items.length, this.#head + max);
    const taken = this.#items.slice(this.#head, end);
    this.#head = end;
    this.#compact();
    return taken;
  }

  /** Empties the queue, counting nothing as dropped by capacity; returns how many items were removed. */
  clear(): number {
    const removed = this.size;
    this.#items = [];
    this.#head = 0;
    return removed;
  }

  get size(): number {
    return this.#items.length - this.#head;
  }

  /** How many items were dropped because the queue was full. */
  get dropped(): number {
    return this.#dropped;
  }

  // Slicing off the consumed head now and then keeps push and take O(1) amortised.
  #compact(): void {
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }
}
