import {
  API_METHODS,
  API_ROUTES,
  type ApiMethod,
  type ApiRoute,
  type FeatureCounter,
  PAGE_ROUTES,
  type PageRoute,
  type Provider,
  type ProviderErrorKind,
  STATUS_CLASSES,
  type StatusClass,
} from '../names.js';

/** One `api_requests` row: a route template, method and status class with its count and percentiles. */
export interface ApiRequestRow {
  route: ApiRoute;
  method: ApiMethod;
  status_class: StatusClass;
  count: number;
  p50_ms: number;
  p95_ms: number;
}

/** One `page_views` row: a page template and how often it was viewed. */
export interface PageViewRow {
  page: PageRoute;
  views: number;
}

/** One model provider call as a worker reports it: which provider, how long, and how it failed if it did. */
export interface ProviderCallSample {
  provider: Provider;
  durationMs: number;
  /** undefined when the call succeeded. */
  error?: ProviderErrorKind;
}

/** One `provider_usage` row: a provider's calls and errors by kind, with duration percentiles. */
export interface ProviderUsageRow {
  provider: Provider;
  requests: number;
  errors_timeout: number;
  errors_rate_limited: number;
  errors_auth: number;
  errors_server: number;
  errors_other: number;
  p50_ms: number;
  p95_ms: number;
}

/** What `drain` hands over: the 10-minute counts, and the hourly rows when they were asked for. */
export interface DrainedUsage {
  features: Partial<Record<FeatureCounter, number>>;
  providers: ProviderUsageRow[];
  requests: ApiRequestRow[];
  pages: PageViewRow[];
}

type ErrorCounts = Pick<
  ProviderUsageRow,
  'errors_timeout' | 'errors_rate_limited' | 'errors_auth' | 'errors_server' | 'errors_other'
>;

const noErrors = (): ErrorCounts => ({
  errors_timeout: 0,
  errors_rate_limited: 0,
  errors_auth: 0,
  errors_server: 0,
  errors_other: 0,
});

// Enough samples per row for stable percentiles; beyond it, reservoir sampling keeps memory flat.
const MAX_SAMPLES = 512;
// Every request key is a slot of fixed arrays: route index × method × status class. The hot path (one call per
// API request) then only indexes and adds: no key string, no map entry, no object.
const ROUTE_INDEX = new Map<string, number>(API_ROUTES.map((route, i) => [route, i]));
const PAGE_INDEX = new Map<string, number>(PAGE_ROUTES.map((page, i) => [page, i]));
const KEYS_PER_ROUTE = API_METHODS.length * STATUS_CLASSES.length;
const REQUEST_KEYS = API_ROUTES.length * KEYS_PER_ROUTE;

// A switch rather than a lookup in a list: methods arrive upper-case from the HTTP parser, so no string is made.
function methodIndex(method: string): number {
  switch (method) {
    case 'GET':
      return 0;
    case 'POST':
      return 1;
    case 'PUT':
      return 2;
    case 'PATCH':
      return 3;
    case 'DELETE':
      return 4;
    default:
      return method === method.toUpperCase() ? -1 : methodIndex(method.toUpperCase());
  }
}

/** Keeps at most MAX_SAMPLES durations of `count` seen so far, each equally likely (reservoir sampling). */
function keepSample(samples: number[], count: number, value: number, slotOf: (count: number) => number): void {
  if (samples.length < MAX_SAMPLES) samples.push(value);
  else {
    const slot = slotOf(count);
    if (slot < MAX_SAMPLES) samples[slot] = value;
  }
}

function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? 0;
}

/**
 * In-memory counters for `feature_usage` and `provider_usage` (drained every usage interval), and `api_requests`
 * and `page_views` (drained hourly); `drain` returns and resets them.
 */
export class UsageAggregates {
  #features = new Map<FeatureCounter, number>();
  #providers = new Map<Provider, { errors: ErrorCounts; count: number; samples: number[] }>();
  readonly #requestCounts = new Float64Array(REQUEST_KEYS);
  // A key's sample buffer is made the first time the key is seen and reused for the life of the process.
  readonly #requestSamples: (Float64Array | undefined)[] = new Array(REQUEST_KEYS).fill(undefined);
  readonly #pageViews = new Float64Array(PAGE_ROUTES.length);
  #requestsSeen = 0;
  #pagesSeen = 0;
  #seed: number;

  /** `seed` fixes the reservoir's draws (tests); by default they differ per process. */
  constructor(seed = Math.floor(Math.random() * 0x7fffffff)) {
    this.#seed = seed | 0 || 1;
  }

  // A uniform slot in [0, count) from xorshift32: integers only, so a draw allocates nothing (a double returned
  // by a call, such as Math.random's, is boxed on the heap, once per request past MAX_SAMPLES).
  #slot(count: number): number {
    let x = this.#seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#seed = x;
    return (x >>> 1) % count;
  }

  /** Counts a feature use. */
  feature(name: FeatureCounter, n = 1): void {
    this.#features.set(name, (this.#features.get(name) ?? 0) + n);
  }

  /**
   * Records one API request by template, method and status class; an unknown template, another method or a status
   * outside 200–599 is not counted. O(1), allocation-free once the key has been seen (it runs on every request).
   */
  request(route: string, method: string, status: number, durationMs: number): void {
    const routeIndex = ROUTE_INDEX.get(route);
    const methodSlot = methodIndex(method);
    if (routeIndex === undefined || methodSlot < 0 || !(status >= 200 && status <= 599)) return;
    const key = routeIndex * KEYS_PER_ROUTE + methodSlot * STATUS_CLASSES.length + (Math.floor(status / 100) - 2);
    const count = (this.#requestCounts[key] ?? 0) + 1;
    this.#requestCounts[key] = count;
    this.#requestsSeen += 1;
    let samples = this.#requestSamples[key];
    if (!samples) {
      samples = new Float64Array(MAX_SAMPLES);
      this.#requestSamples[key] = samples;
    }
    if (count <= MAX_SAMPLES) samples[count - 1] = durationMs;
    else {
      const slot = this.#slot(count);
      if (slot < MAX_SAMPLES) samples[slot] = durationMs;
    }
  }

  /** Counts one page view by page template; anything that is not one of PAGE_ROUTES is not counted. */
  pageView(page: string): void {
    const index = PAGE_INDEX.get(page);
    if (index === undefined) return;
    this.#pageViews[index] = (this.#pageViews[index] ?? 0) + 1;
    this.#pagesSeen += 1;
  }

  /** Records one model provider call, and its error kind when it failed. */
  providerCall(call: ProviderCallSample): void {
    let entry = this.#providers.get(call.provider);
    if (!entry) {
      entry = { errors: noErrors(), count: 0, samples: [] };
      this.#providers.set(call.provider, entry);
    }
    entry.count += 1;
    if (call.error) entry.errors[`errors_${call.error}`] += 1;
    keepSample(entry.samples, entry.count, call.durationMs, (count) => this.#slot(count));
  }

  /** Whether anything was counted since the last drain (of the hourly rows too, unless `hourly` is false). */
  isEmpty(hourly = true): boolean {
    return (
      this.#features.size === 0 &&
      this.#providers.size === 0 &&
      (!hourly || (this.#requestsSeen === 0 && this.#pagesSeen === 0))
    );
  }

  /**
   * Returns the counts since the last drain and starts them again from zero: features and providers always,
   * API requests and page views only when `hourly` (they are sent once an hour, and at shutdown).
   */
  drain(hourly = true): DrainedUsage {
    const features = Object.fromEntries(this.#features) as Partial<Record<FeatureCounter, number>>;
    const providers = [...this.#providers].map(([provider, { errors, count, samples }]) => {
      const sorted = [...samples].sort((a, b) => a - b);
      return { provider, requests: count, ...errors, p50_ms: percentile(sorted, 50), p95_ms: percentile(sorted, 95) };
    });
    this.#features.clear();
    this.#providers.clear();
    if (!hourly) return { features, providers, requests: [], pages: [] };
    const drained = { features, providers, requests: this.#requestRows(), pages: this.#pageRows() };
    this.#clearHourly();
    return drained;
  }

  /** Forgets everything counted (consent withdrawn). */
  clear(): void {
    this.#features.clear();
    this.#providers.clear();
    this.#clearHourly();
  }

  #requestRows(): ApiRequestRow[] {
    const rows: ApiRequestRow[] = [];
    if (this.#requestsSeen === 0) return rows;
    for (let key = 0; key < REQUEST_KEYS; key += 1) {
      const count = this.#requestCounts[key] ?? 0;
      if (count === 0) continue;
      const kept = Math.min(count, MAX_SAMPLES);
      const sorted = (this.#requestSamples[key] as Float64Array).slice(0, kept).sort();
      const withinRoute = key % KEYS_PER_ROUTE;
      rows.push({
        route: API_ROUTES[Math.floor(key / KEYS_PER_ROUTE)] as ApiRoute,
        method: API_METHODS[Math.floor(withinRoute / STATUS_CLASSES.length)] as ApiMethod,
        status_class: STATUS_CLASSES[withinRoute % STATUS_CLASSES.length] as StatusClass,
        count,
        p50_ms: percentile(sorted, 50),
        p95_ms: percentile(sorted, 95),
      });
    }
    return rows;
  }

  #pageRows(): PageViewRow[] {
    const rows: PageViewRow[] = [];
    PAGE_ROUTES.forEach((page, index) => {
      const views = this.#pageViews[index] ?? 0;
      if (views > 0) rows.push({ page, views });
    });
    return rows;
  }

  #clearHourly(): void {
    this.#requestCounts.fill(0);
    this.#pageViews.fill(0);
    this.#requestsSeen = 0;
    this.#pagesSeen = 0;
  }
}
