// What a PostHog insight computes, over the events a PostHog project received: counts, distinct ids, breakdowns by
// a property, the latest event per id, sums, nearest-rank percentiles. Pure functions, no I/O, no clock.

/** One event as PostHog stores it (the sink's `ReceivedEvent` has this shape). */
export interface StoredEvent {
  event: string;
  distinctId: string;
  uuid?: string;
  timestamp?: string;
  properties: Record<string, unknown>;
}

/** A breakdown: value → how many; keys sorted, so that two runs print the same table. */
export type Breakdown = Record<string, number>;

/** Keeps the first event of each `uuid` (PostHog deduplicates on it); events without one are all kept. */
export function dedupe<E extends StoredEvent>(events: readonly E[]): E[] {
  const seen = new Set<string>();
  return events.filter((e) => {
    if (!e.uuid) return true;
    if (seen.has(e.uuid)) return false;
    seen.add(e.uuid);
    return true;
  });
}

/** The events named `name` (one or several). */
export function named<E extends StoredEvent>(events: readonly E[], ...names: string[]): E[] {
  return events.filter((e) => names.includes(e.event));
}

/** A property as a string, or undefined when absent or not a string. */
export function str(e: StoredEvent, name: string): string | undefined {
  const value = e.properties[name];
  return typeof value === 'string' ? value : undefined;
}

/** A property as a number, or undefined. */
export function num(e: StoredEvent, name: string): number | undefined {
  const value = e.properties[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A property as a boolean, or undefined. */
export function bool(e: StoredEvent, name: string): boolean | undefined {
  const value = e.properties[name];
  return typeof value === 'boolean' ? value : undefined;
}

/** A list property's string items (empty when absent). */
export function list(e: StoredEvent, name: string): string[] {
  const value = e.properties[name];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/**
 * One event per row of a `rows` property (api_requests, page_views), each carrying its event's other properties
 * and the row's columns: what a PostHog insight gets from the event's list property, flattened, so that the
 * usual breakdowns and sums read a row like any event.
 */
export function rowsAsEvents<E extends StoredEvent>(events: readonly E[], name = 'rows'): E[] {
  return events.flatMap((e) => {
    const rows = e.properties[name];
    if (!Array.isArray(rows)) return [];
    const { [name]: _rows, ...rest } = e.properties;
    return rows
      .filter((row): row is Record<string, unknown> => typeof row === 'object' && row !== null && !Array.isArray(row))
      .map((row) => ({ ...e, properties: { ...rest, ...row } }));
  });
}

/** A `$set` person property as a string. */
export function personProperty(e: StoredEvent, name: string): string | undefined {
  const set = e.properties.$set;
  const value = set && typeof set === 'object' ? (set as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** How many distinct `distinct_id`s the events carry. */
export function distinctIds(events: readonly StoredEvent[]): number {
  return new Set(events.map((e) => e.distinctId)).size;
}

function sorted<V>(entries: Iterable<[string, V]>): Record<string, V> {
  return Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Counts events by a key (events whose key is undefined are left out); a list key counts each item. */
export function breakdown(
  events: readonly StoredEvent[],
  key: (e: StoredEvent) => string | readonly string[] | undefined,
): Breakdown {
  const counts = new Map<string, number>();
  for (const e of events) {
    const k = key(e);
    for (const item of k === undefined ? [] : typeof k === 'string' ? [k] : k) {
      counts.set(item, (counts.get(item) ?? 0) + 1);
    }
  }
  return sorted(counts);
}

/** Distinct ids per key value ("unique users" breakdown). */
export function distinctBy(events: readonly StoredEvent[], key: (e: StoredEvent) => string | undefined): Breakdown {
  const ids = new Map<string, Set<string>>();
  for (const e of events) {
    const k = key(e);
    if (k === undefined) continue;
    const set = ids.get(k) ?? new Set<string>();
    set.add(e.distinctId);
    ids.set(k, set);
  }
  return sorted([...ids].map(([k, set]) => [k, set.size] as [string, number]));
}

/** Sums a numeric property per key value (missing values count as 0). */
export function sumBy(
  events: readonly StoredEvent[],
  key: (e: StoredEvent) => string | undefined,
  value: (e: StoredEvent) => number | undefined,
): Breakdown {
  const sums = new Map<string, number>();
  for (const e of events) {
    const k = key(e);
    if (k === undefined) continue;
    sums.set(k, (sums.get(k) ?? 0) + (value(e) ?? 0));
  }
  return sorted(sums);
}

/** The latest event of each distinct id, by timestamp (then by order received). */
export function latestPerId<E extends StoredEvent>(events: readonly E[]): Map<string, E> {
  const latest = new Map<string, E>();
  for (const e of events) {
    const previous = latest.get(e.distinctId);
    if (!previous || (e.timestamp ?? '') >= (previous.timestamp ?? '')) latest.set(e.distinctId, e);
  }
  return latest;
}

/** Nearest-rank percentile (`p` in 0–100) of the values; undefined when there are none. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const ordered = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * ordered.length));
  return ordered[Math.min(rank, ordered.length) - 1];
}

/** How many items reached each step of an ordered funnel (an item at step k also passed every step before it). */
export function funnel(reached: readonly string[], steps: readonly string[]): Breakdown {
  const result: Record<string, number> = {};
  for (const [index, step] of steps.entries()) {
    result[step] = reached.filter((r) => steps.indexOf(r) >= index).length;
  }
  return result;
}

/** Drops zero entries from a breakdown (what a chart would not show). */
export function nonZero(values: Breakdown): Breakdown {
  return Object.fromEntries(Object.entries(values).filter(([, n]) => n !== 0));
}
