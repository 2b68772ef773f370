import type { ApiRoute, FeatureCounter, Provider, ProviderErrorKind } from '../names.js';

/** One API request as the web app reports it: the route template, never the real path. */
export interface ApiRequestSample {
  route: ApiRoute;
  method: string;
  status: number;
  durationMs: number;
}

/** One `api_requests` row: a route template, method and status class with its count and percentiles. */
export interface ApiRequestRow {
  route: ApiRoute;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  status_class: '2xx' | '3xx' | '4xx' | '5xx';
  count: number;
  p50_ms: number;
  p95_ms: number;
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

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
// Enough samples per row for stable percentiles; beyond it, reservoir sampling keeps memory flat.
const MAX_SAMPLES = 512;

/** Keeps at most MAX_SAMPLES durations of `count` seen so far, each equally likely (reservoir sampling). */
function keepSample(samples: number[], count: number, value: number, random: () => number): void {
  if (samples.length < MAX_SAMPLES) samples.push(value);
  else {
    const slot = Math.floor(random() * count);
    if (slot < MAX_SAMPLES) samples[slot] = value;
  }
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? 0;
}

/** In-memory counters for `feature_usage`, `api_requests` and `provider_usage`; `drain` returns and resets them. */
export class UsageAggregates {
  #features = new Map<FeatureCounter, number>();
  #requests = new Map<
    string,
    { row: Omit<ApiRequestRow, 'count' | 'p50_ms' | 'p95_ms'>; count: number; samples: number[] }
  >();
  #providers = new Map<Provider, { errors: ErrorCounts; count: number; samples: number[] }>();

  constructor(private readonly random: () => number = Math.random) {}

  /** Counts a feature use. */
  feature(name: FeatureCounter, n = 1): void {
    this.#features.set(name, (this.#features.get(name) ?? 0) + n);
  }

  /** Records one API request by template, method and status class. */
  request(sample: ApiRequestSample): void {
    const method = sample.method.toUpperCase();
    if (!METHODS.has(method) || sample.status < 200 || sample.status > 599) return;
    const statusClass = `${Math.floor(sample.status / 100)}xx` as ApiRequestRow['status_class'];
    const key = `${sample.route} ${method} ${statusClass}`;
    let entry = this.#requests.get(key);
    if (!entry) {
      entry = {
        row: { route: sample.route, method: method as ApiRequestRow['method'], status_class: statusClass },
        count: 0,
        samples: [],
      };
      this.#requests.set(key, entry);
    }
    entry.count += 1;
    keepSample(entry.samples, entry.count, sample.durationMs, this.random);
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
    keepSample(entry.samples, entry.count, call.durationMs, this.random);
  }

  /** Whether anything was counted since the last drain. */
  get isEmpty(): boolean {
    return this.#features.size === 0 && this.#requests.size === 0 && this.#providers.size === 0;
  }

  /** Returns the counts since the last drain and starts again from zero. */
  drain(): {
    features: Partial<Record<FeatureCounter, number>>;
    requests: ApiRequestRow[];
    providers: ProviderUsageRow[];
  } {
    const features = Object.fromEntries(this.#features) as Partial<Record<FeatureCounter, number>>;
    const requests = [...this.#requests.values()].map(({ row, count, samples }) => {
      const sorted = [...samples].sort((a, b) => a - b);
      return { ...row, count, p50_ms: percentile(sorted, 50), p95_ms: percentile(sorted, 95) };
    });
    const providers = [...this.#providers].map(([provider, { errors, count, samples }]) => {
      const sorted = [...samples].sort((a, b) => a - b);
      return { provider, requests: count, ...errors, p50_ms: percentile(sorted, 50), p95_ms: percentile(sorted, 95) };
    });
    this.clear();
    return { features, requests, providers };
  }

  /** Forgets everything counted (consent withdrawn). */
  clear(): void {
    this.#features.clear();
    this.#requests.clear();
    this.#providers.clear();
  }
}
