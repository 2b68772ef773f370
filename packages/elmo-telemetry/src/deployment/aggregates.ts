import type { ApiRoute, FeatureCounter } from '../names.js';

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

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
// Enough samples per row for stable percentiles; beyond it, reservoir sampling keeps memory flat.
const MAX_SAMPLES = 512;

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? 0;
}

/** In-memory counters for `feature_usage` and `api_requests`; `drain` returns and resets them. */
export class UsageAggregates {
  #features = new Map<FeatureCounter, number>();
  #requests = new Map<
    string,
    { row: Omit<ApiRequestRow, 'count' | 'p50_ms' | 'p95_ms'>; count: number; samples: number[] }
  >();

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
    if (entry.samples.length < MAX_SAMPLES) entry.samples.push(sample.durationMs);
    else {
      const slot = Math.floor(this.random() * entry.count);
      if (slot < MAX_SAMPLES) entry.samples[slot] = sample.durationMs;
    }
  }

  /** Whether anything was counted since the last drain. */
  get isEmpty(): boolean {
    return this.#features.size === 0 && this.#requests.size === 0;
  }

  /** Returns the counts since the last drain and starts again from zero. */
  drain(): { features: Partial<Record<FeatureCounter, number>>; requests: ApiRequestRow[] } {
    const features = Object.fromEntries(this.#features) as Partial<Record<FeatureCounter, number>>;
    const requests = [...this.#requests.values()].map(({ row, count, samples }) => {
      const sorted = [...samples].sort((a, b) => a - b);
      return { ...row, count, p50_ms: percentile(sorted, 50), p95_ms: percentile(sorted, 95) };
    });
    this.#features.clear();
    this.#requests.clear();
    return { features, requests };
  }

  /** Forgets everything counted (consent withdrawn). */
  clear(): void {
    this.#features.clear();
    this.#requests.clear();
  }
}
