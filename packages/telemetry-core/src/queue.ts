/** A first-in first-out queue with a fixed capacity that drops its oldest item when full, and counts drops. */
export class BoundedQueue<T> {
  #items: T[] = [];
  #head = 0;
  #dropped = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
  }

  /** Adds an item, dropping the oldest one when the queue is full; returns the dropped item, if any. */
  push(item: T): T | undefined {
    let dropped: T | undefined;
    if (this.size >= this.capacity) {
      dropped = this.#items[this.#head];
      this.#head += 1;
      this.#dropped += 1;
    }
    this.#items.push(item);
    this.#compact();
    return dropped;
  }

  /**
   * Puts items taken earlier back in front, in their order (a batch that could not be sent goes first again).
   * Beyond the capacity the oldest items are dropped and counted; returns them.
   */
  requeue(items: readonly T[]): T[] {
    const rest = this.#items.slice(this.#head);
    const all = [...items, ...rest];
    const overflow = Math.max(0, all.length - this.capacity);
    this.#items = all.slice(overflow);
    this.#head = 0;
    this.#dropped += overflow;
    return all.slice(0, overflow);
  }

  /** Removes and returns up to `max` of the oldest items. */
  take(max = Number.POSITIVE_INFINITY): T[] {
    const end = Math.min(this.#items.length, this.#head + max);
    const taken = this.#items.slice(this.#head, end);
    this.#head = end;
    this.#compact();
    return taken;
  }

  /** The up to `max` oldest items, left in the queue. */
  peek(max = Number.POSITIVE_INFINITY): T[] {
    return this.#items.slice(this.#head, Math.min(this.#items.length, this.#head + max));
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
