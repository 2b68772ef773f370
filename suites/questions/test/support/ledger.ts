// What the fleet script did, written down as it did it: the ground truth each answer is checked against. Nothing
// here is read from telemetry; outcomes the script cannot decide itself (a report's end, a provider call's status)
// are read from the web API and the fake provider, never from the sink.

/** One component process (web or worker) the script started and stopped. */
export interface ComponentRun {
  deploymentId: string;
  component: 'web' | 'worker';
  version: string;
  databaseMode: 'embedded' | 'postgres';
  providers: string[];
  /** Measured by the script from spawn to exit (an upper bound of what the component can report). */
  lifetimeMs: number;
}

/** One `elmo` run the script made. */
export interface CliRun {
  install: string;
  version: string;
  /** The tracked command (`unknown` for a mistyped one), undefined for untracked ones (`telemetry …`). */
  command: string | undefined;
  alias: string | undefined;
  /** How the script expects it to end (`success` or the status and error code it provoked). */
  status: 'success' | 'failure' | 'invalid' | 'interrupted';
  errorCode: string | undefined;
  /** Names of the options typed (`--no-telemetry` is the `telemetry` option). */
  flags: string[];
  /** Whether telemetry was on for the run (off after `telemetry disable --forget`). */
  sent: boolean;
  wallMs: number;
}

/** One `elmo init` the script ran (scripted or in a terminal). */
export interface InitRun {
  install: string;
  databaseMode: 'embedded' | 'postgres';
  completed: boolean;
  lastStep: string;
  /** The providers configured by a completed init (flags, else what the deployment had, else `offline`). */
  providers: string[];
  /** Interrupted before consent was given: nothing may be sent. */
  sent: boolean;
}

/** The script's record of everything it did to the fleet. */
export class Ledger {
  readonly components: ComponentRun[] = [];
  readonly cli: CliRun[] = [];
  readonly inits: InitRun[] = [];
  /** Feature actions per product version: counter → count. */
  readonly features = new Map<string, Map<string, number>>();
  /** Final prompt and brand counts per deployment id. */
  readonly totals = new Map<string, { prompts: number; brands: number }>();
  /** API requests: `METHOD template status_class` → count; and the slowest one the client measured per route. */
  readonly api = new Map<string, number>();
  readonly apiSlowestMs = new Map<string, number>();
  /** Page views per version: template → count. */
  readonly pages = new Map<string, Map<string, number>>();
  /** Deployments started for the first time / updated, per version. */
  readonly installs = new Map<string, number>();
  readonly updates = new Map<string, number>();
  /** Provider calls: provider → { requests, errors by kind }. */
  readonly providerCalls = new Map<string, { requests: number; errors: Map<string, number> }>();
  readonly newsletter: { email: string; linked: boolean }[] = [];
  readonly forgotten: string[] = [];
  /** Heartbeat period the components were given (ELMO_TELEMETRY_HEARTBEAT_MS). */
  heartbeatMs = 0;

  feature(version: string, counter: string, n = 1): void {
    const counts = this.features.get(version) ?? new Map<string, number>();
    counts.set(counter, (counts.get(counter) ?? 0) + n);
    this.features.set(version, counts);
  }

  request(method: string, template: string, status: number, ms: number): void {
    const key = `${method} ${template} ${Math.floor(status / 100)}xx`;
    this.api.set(key, (this.api.get(key) ?? 0) + 1);
    const route = `${method} ${template}`;
    this.apiSlowestMs.set(route, Math.max(this.apiSlowestMs.get(route) ?? 0, ms));
  }

  page(version: string, template: string): void {
    const counts = this.pages.get(version) ?? new Map<string, number>();
    counts.set(template, (counts.get(template) ?? 0) + 1);
    this.pages.set(version, counts);
  }

  providerCall(provider: string, errorKind: string | undefined): void {
    const row = this.providerCalls.get(provider) ?? { requests: 0, errors: new Map<string, number>() };
    row.requests += 1;
    if (errorKind) row.errors.set(errorKind, (row.errors.get(errorKind) ?? 0) + 1);
    this.providerCalls.set(provider, row);
  }
}

/** A Map (or a Map of Maps) as a plain object with sorted keys, the shape the answers have. */
export function plain(map: ReadonlyMap<string, number>): Record<string, number> {
  return Object.fromEntries([...map].filter(([, n]) => n !== 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Counts items by a key, as a plain sorted object. */
export function countBy<T>(items: readonly T[], key: (item: T) => string | readonly string[] | undefined) {
  const counts = new Map<string, number>();
  for (const item of items) {
    const k = key(item);
    for (const each of k === undefined ? [] : typeof k === 'string' ? [k] : k) {
      counts.set(each, (counts.get(each) ?? 0) + 1);
    }
  }
  return plain(counts);
}
