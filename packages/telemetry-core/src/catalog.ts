/** The kinds a property may have. Free text is deliberately not one of them. */
export type PropertyKind =
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'enum_list'; values: readonly string[]; maxItems: number }
  | { kind: 'count' }
  | { kind: 'duration_ms' }
  | { kind: 'hours' }
  | { kind: 'boolean' }
  | { kind: 'version' }
  | { kind: 'id' };

/** A property: its kind and a one-line description used by the generated disclosure. */
export type PropertySpec = PropertyKind & { description: string };

type ValueOf<P extends PropertySpec> = P extends { kind: 'enum'; values: readonly (infer V)[] }
  ? V
  : P extends { kind: 'enum_list'; values: readonly (infer V)[] }
    ? readonly V[]
    : P extends { kind: 'boolean' }
      ? boolean
      : P extends { kind: 'count' | 'duration_ms' | 'hours' }
        ? number
        : string;

/** An event declared once: name, purpose, version and its allowed properties. */
export interface EventSpec<
  Name extends string = string,
  Props extends Record<string, PropertySpec> = Record<string, PropertySpec>,
> {
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

/** Declares one event; the literal types are kept so `track` can check names and properties. */
export function defineEvent<
  const Name extends string,
  const Props extends Record<string, PropertySpec>,
  const Extra extends Partial<EventSpec>,
>(
  spec: { name: Name; purpose: string; version: number; properties: Props } & Extra,
): { name: Name; purpose: string; version: number; properties: Props } & Extra {
  return spec;
}

/** Builds a catalog from a list of events, refusing duplicate names. */
export function defineCatalog<const Events extends readonly EventSpec[]>(spec: {
  consentVersion: number;
  common: Record<string, PropertySpec>;
  events: Events;
  neverCollected: readonly string[];
}): Catalog<Events[number]> {
  const events: Record<string, EventSpec> = {};
  for (const event of spec.events) {
    if (events[event.name]) throw new Error(`event "${event.name}" is declared twice in the catalog`);
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
};
