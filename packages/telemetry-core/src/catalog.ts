/** The kinds a property may have. Free text is deliberately not one of them. */
export type PropertyKind =
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'enum_list'; values: readonly string[]; maxItems: number }
  | { kind: 'count' }
  | { kind: 'duration_ms' }
  | { kind: 'hours' }
  | { kind: 'boolean' }
  | { kind: 'version' }
  | { kind: 'id' }
  | { kind: 'rows'; columns: Record<string, ColumnSpec>; maxRows: number };

/** A property: its kind and a one-line description used by the generated disclosure. */
export type PropertySpec = PropertyKind & { description: string };

/**
 * A column of a `rows` property: any scalar kind, never `rows` again, so that a row is one flat record of values
 * the sanitiser can check one by one (and free text still has no kind to ride on).
 */
export type ColumnSpec = Exclude<PropertyKind, { kind: 'rows' }> & { description: string };

type ValueOf<P extends PropertySpec> = P extends { kind: 'rows'; columns: infer C extends Record<string, ColumnSpec> }
  ? readonly { [K in keyof C]?: ScalarValueOf<C[K]> }[]
  : ScalarValueOf<P>;

type ScalarValueOf<P extends PropertySpec> = P extends { kind: 'enum'; values: readonly (infer V)[] }
  ? V
  : P extends { kind: 'enum_list'; values: readonly (infer V)[] }
    ? readonly V[]
    : P extends { kind: 'boolean' }
      ? boolean
      : P extends { kind: 'count' | 'duration_ms' | 'hours' }
        ? number
        : string;

/** A calendar date, `YYYY-MM-DD` (read as UTC). */
export type IsoDate = `${number}-${number}-${number}`;

/**
 * When an event stops being sent: after a date, unless a maintainer renews it, or `never`, with the reason
 * (lifecycle and explicit events). Glean's rule: collection is temporary unless someone says why not.
 */
export type EventExpiry = { date: IsoDate } | { never: string };

/** Who answers for an event, and why it exists (SPEC §5). Required on every event. */
export interface EventGovernance {
  /** The GitHub handle or team that owns the event, e.g. `@acme/maintainers`. */
  owner: string;
  /** The question the event exists to answer. */
  question: string;
  /** The product version the event was added in. */
  added: string;
  expires: EventExpiry;
}

/** An event declared once: name, purpose, version, governance and its allowed properties. */
export interface EventSpec<
  Name extends string = string,
  Props extends Record<string, PropertySpec> = Record<string, PropertySpec>,
> extends EventGovernance {
  name: Name;
  purpose: string;
  version: number;
  properties: Props;
  /** Sent only through `submitExplicit` (an explicit user request), never through `track`. */
  explicit?: boolean;
  /** Person properties an explicit event may set (`$set`); only these keys leave the machine. */
  personProperties?: Record<string, { description: string; pattern: RegExp }>;
}

/** The typed properties `track` accepts for an event: every declared one optional, nothing else. */
export type PropsOf<E extends EventSpec> = { [K in keyof E['properties']]?: ValueOf<E['properties'][K]> };

/** A catalog: the only events and properties that can ever leave the machine. */
export interface Catalog<Events extends EventSpec = EventSpec> {
  /** Raised whenever what is collected changes, so that people are told again. */
  consentVersion: number;
  common: Record<string, PropertySpec>;
  events: { [N in Events['name']]: Extract<Events, { name: N }> };
  neverCollected: readonly string[];
}

/** Names of the events `track` may send (everything not marked explicit). */
export type TrackedName<C extends Catalog> = {
  [N in keyof C['events']]: C['events'][N] extends { explicit: true } ? never : N;
}[keyof C['events']] &
  string;

/** Names of the explicit events (`submitExplicit`). */
export type ExplicitName<C extends Catalog> = {
  [N in keyof C['events']]: C['events'][N] extends { explicit: true } ? N : never;
}[keyof C['events']] &
  string;

/**
 * Declares one event; the literal types are kept so `track` can check names and properties. Its owner, question,
 * `added` version and expiry are required: an event nobody answers for does not compile.
 */
export function defineEvent<
  const Name extends string,
  const Props extends Record<string, PropertySpec>,
  const Extra extends Partial<EventSpec>,
>(
  spec: { name: Name; purpose: string; version: number; properties: Props } & EventGovernance & Extra,
): { name: Name; purpose: string; version: number; properties: Props } & EventGovernance & Extra {
  return spec;
}

const DAY_MS = 86_400_000;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The time (ms, UTC) from which an event is expired: the start of the day after its `expires.date`, so that it is
 * still sent on that day. Undefined for an event that never expires.
 */
export function expiredFrom(event: Pick<EventSpec, 'expires'>): number | undefined {
  if (!('date' in event.expires)) return undefined;
  return Date.parse(`${event.expires.date}T00:00:00.000Z`) + DAY_MS;
}

/** Whether an event's expiry date is before the UTC date of `now` (an expired event is never sent). */
export function isExpired(event: Pick<EventSpec, 'expires'>, now: number): boolean {
  const from = expiredFrom(event);
  return from !== undefined && now >= from;
}

/** An event with an expiry date, and the whole days left until it (negative once past). */
export interface ExpiringEvent {
  name: string;
  owner: string;
  date: IsoDate;
  daysLeft: number;
}

/**
 * The catalog's events that expire within `days` days of `now` (or already have), soonest first: what a
 * catalog test fails on, so that an expiry is renewed (or the event removed) a month before it takes effect.
 */
export function eventsExpiringWithin(catalog: Catalog, now: number, days: number): ExpiringEvent[] {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const soon: ExpiringEvent[] = [];
  for (const event of Object.values(catalog.events) as EventSpec[]) {
    if (!('date' in event.expires)) continue;
    const daysLeft = Math.round((Date.parse(`${event.expires.date}T00:00:00.000Z`) - today) / DAY_MS);
    if (daysLeft <= days) soon.push({ name: event.name, owner: event.owner, date: event.expires.date, daysLeft });
  }
  return soon.sort((a, b) => a.daysLeft - b.daysLeft);
}

// Refuses an event whose governance is missing or malformed, at start-up rather than by silently never expiring.
function checkGovernance(event: EventSpec): void {
  const problem = (what: string) => new Error(`event "${event.name}": ${what}`);
  for (const key of ['owner', 'question', 'added'] as const) {
    if (typeof event[key] !== 'string' || event[key].trim() === '') throw problem(`\`${key}\` is required`);
  }
  const expires = event.expires as Partial<Record<'date' | 'never', unknown>> | undefined;
  if (expires && typeof expires.never === 'string' && !('date' in expires)) {
    if (expires.never.trim() === '') throw problem('`expires.never` needs the reason it never expires');
    return;
  }
  const date = expires?.date;
  const ms = typeof date === 'string' && ISO_DATE.test(date) ? Date.parse(`${date}T00:00:00.000Z`) : Number.NaN;
  // A real calendar day only: 2026-02-30 is refused rather than read as some day in March.
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date)
    throw problem('`expires` must be `{ date: "YYYY-MM-DD" }` or `{ never: "<reason>" }`');
}

/** Builds a catalog from a list of events, refusing duplicate names and missing or malformed governance. */
export function defineCatalog<const Events extends readonly EventSpec[]>(spec: {
  consentVersion: number;
  common: Record<string, PropertySpec>;
  events: Events;
  neverCollected: readonly string[];
}): Catalog<Events[number]> {
  const events: Record<string, EventSpec> = {};
  for (const event of spec.events) {
    if (events[event.name]) throw new Error(`event "${event.name}" is declared twice in the catalog`);
    checkGovernance(event);
    events[event.name] = event;
  }
  return {
    consentVersion: spec.consentVersion,
    common: spec.common,
    neverCollected: spec.neverCollected,
    events,
  } as Catalog<Events[number]>;
}

/** Property helpers, so catalogs read like tables. */
export const prop = {
  enum: <const V extends readonly string[]>(values: V, description: string) =>
    ({ kind: 'enum', values, description }) as const,
  enumList: <const V extends readonly string[]>(values: V, description: string, maxItems = 32) =>
    ({ kind: 'enum_list', values, maxItems, description }) as const,
  count: (description: string) => ({ kind: 'count', description }) as const,
  durationMs: (description: string) => ({ kind: 'duration_ms', description }) as const,
  hours: (description: string) => ({ kind: 'hours', description }) as const,
  boolean: (description: string) => ({ kind: 'boolean', description }) as const,
  version: (description: string) => ({ kind: 'version', description }) as const,
  id: (description: string) => ({ kind: 'id', description }) as const,
  /** A bounded list of flat records (aggregates: one row per key); only declared columns of their kind survive. */
  rows: <const C extends Record<string, ColumnSpec>>(columns: C, description: string, maxRows: number) =>
    ({ kind: 'rows', columns, maxRows, description }) as const,
};
