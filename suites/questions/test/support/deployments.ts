import { join } from 'node:path';
import {
  createDeployment,
  type ManagedProcess,
  type SinkProcess,
  startWeb,
  startWorker,
  TELEMETRY_KNOBS,
  type TestDeployment,
  type WebServer,
} from '@elmo/test-support';
import type { Ledger } from './ledger.js';

// A deployment of the simulated fleet: its folder, how it is configured, its running processes, and a client for
// its web API that writes every request and every feature action into the ledger.

/** Heartbeat period the components are given (a test knob; the product's period is 24 h). */
export const HEARTBEAT_MS = 500;

/** How a fleet deployment is configured. */
export interface FleetDeploymentOptions {
  name: string;
  sink: SinkProcess;
  ledger: Ledger;
  databaseUrl?: string;
  /** ELMO_PROVIDERS and the providers' keys and base URLs. */
  providerEnv?: Record<string, string>;
}

/** One deployment of the fleet. */
export class FleetDeployment {
  readonly deployment: TestDeployment;
  readonly providers: string[];
  private web: (WebServer & { startedAt: number }) | undefined;
  private workers: (ManagedProcess & { startedAt: number })[] = [];
  version = '';
  /** When every process of the current start had reported its start. */
  private readyAt = 0;
  /** Every process this deployment started, to check that none outlives the fleet. */
  readonly pids: number[] = [];
  /** brand id → its prompts' ids, as the script made them. */
  private readonly brands = new Map<string, string[]>();
  private readonly options: FleetDeploymentOptions;

  constructor(options: FleetDeploymentOptions) {
    this.options = options;
    this.deployment = createDeployment({ sinkUrl: options.sink.url, prefix: `elmo-questions-${options.name}-` });
    this.providers = (options.providerEnv?.ELMO_PROVIDERS ?? 'offline').split(',');
  }

  get id(): string {
    return this.deployment.deploymentId;
  }

  get url(): string {
    if (!this.web) throw new Error('the deployment is not running');
    return this.web.url;
  }

  private env(version: string): Record<string, string> {
    return {
      HOME: join(this.deployment.dir, '..'),
      ELMO_HOME: this.deployment.dir,
      ...TELEMETRY_KNOBS,
      // Asked for by this suite: a short heartbeat period, like the flush and usage knobs.
      ELMO_TELEMETRY_HEARTBEAT_MS: String(HEARTBEAT_MS),
      ELMO_VERSION: version,
      ...(this.options.databaseUrl ? { DATABASE_URL: this.options.databaseUrl } : {}),
      ...this.options.providerEnv,
    };
  }

  /** Starts the web app and `workers` worker processes on `version`, and waits until each sent its start. */
  async start(version: string, workers = 1, isUpdate = false): Promise<void> {
    const { ledger } = this.options;
    const previous = this.version;
    this.version = version;
    const before = await this.workerStarts();
    const startedAt = Date.now();
    const web = await startWeb({
      home: this.deployment.dir,
      token: this.deployment.token,
      databaseUrl: this.options.databaseUrl,
      inheritEnv: false,
      env: this.env(version),
    });
    this.web = { ...web, startedAt };
    this.pids.push(web.pid);
    const key = isUpdate ? 'updates' : 'installs';
    const label = isUpdate ? `${previous} → ${version}` : version;
    ledger[key].set(label, (ledger[key].get(label) ?? 0) + 1);
    for (let i = 0; i < workers; i++) {
      const worker = startWorker({
        webUrl: web.url,
        token: this.deployment.token,
        pollIntervalMs: 200,
        inheritEnv: false,
        env: this.env(version),
      });
      this.workers.push({ ...worker, startedAt: Date.now() });
      this.pids.push(worker.pid);
    }
    // Synchronisation only (never an answer): a worker reports its start once it reached the web app.
    const deadline = Date.now() + 30_000;
    while ((await this.workerStarts()) < before + workers) {
      if (Date.now() > deadline) {
        throw new Error(
          `${this.options.name}: ${workers} worker(s) did not report their start\n${this.workers.map((w) => w.output()).join('\n')}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    this.readyAt = Date.now();
  }

  /** Lets the components run at least three heartbeat periods, so that every one of them sends heartbeats. */
  private async runLongEnough(): Promise<void> {
    const left = this.readyAt + 3 * HEARTBEAT_MS - Date.now();
    if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
  }

  private async workerStarts(): Promise<number> {
    const events = await this.options.sink.events();
    return events.filter(
      (e) => e.event === 'deployment_started' && e.distinctId === this.id && e.properties.component === 'worker',
    ).length;
  }

  /** SIGTERM to the workers, then to the web app; each stop is recorded with the lifetime the script measured. */
  async stop(): Promise<void> {
    const { ledger } = this.options;
    await this.runLongEnough();
    const record = (component: 'web' | 'worker', startedAt: number) =>
      ledger.components.push({
        deploymentId: this.id,
        component,
        version: this.version,
        databaseMode: this.options.databaseUrl ? 'postgres' : 'embedded',
        providers: this.providers,
        lifetimeMs: Date.now() - startedAt,
      });
    await Promise.all(
      this.workers.map(async (worker) => {
        await worker.stop('SIGTERM', 8000);
        record('worker', worker.startedAt);
      }),
    );
    this.workers = [];
    if (this.web) {
      await this.web.stop('SIGTERM', 8000);
      record('web', this.web.startedAt);
      this.web = undefined;
    }
  }

  /** Stops whatever still runs (after a failure) and removes the folder. */
  async remove(): Promise<void> {
    await Promise.all([...this.workers.map((w) => w.stop('SIGKILL')), this.web?.stop('SIGKILL')]);
    this.deployment.remove();
  }

  /** One API request; the ledger records its route template, method and status class. */
  async call(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    template: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: Record<string, unknown> }> {
    const started = performance.now();
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: method === 'GET' ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    this.options.ledger.request(method, template, response.status, performance.now() - started);
    return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  private expect(result: { status: number }, status: number, what: string): void {
    if (result.status !== status) throw new Error(`${this.options.name}: ${what} answered ${result.status}`);
  }

  private feature(counter: string): void {
    this.options.ledger.feature(this.version, counter);
  }

  async createBrand(name: string): Promise<string> {
    const result = await this.call('POST', '/api/brands', '/api/brands', { name });
    this.expect(result, 201, 'create brand');
    const id = (result.json.brand as { id: string }).id;
    this.brands.set(id, []);
    this.feature('brands_created');
    return id;
  }

  async renameBrand(id: string, name: string): Promise<void> {
    this.expect(await this.call('PATCH', '/api/brands/[id]', `/api/brands/${id}`, { name }), 200, 'rename brand');
    this.feature('brands_renamed');
  }

  async deleteBrand(id: string): Promise<void> {
    this.expect(await this.call('DELETE', '/api/brands/[id]', `/api/brands/${id}`), 204, 'delete brand');
    this.brands.delete(id);
    this.feature('brands_deleted');
  }

  async createPrompt(brandId: string, text: string): Promise<string> {
    const result = await this.call('POST', '/api/brands/[id]/prompts', `/api/brands/${brandId}/prompts`, { text });
    this.expect(result, 201, 'create prompt');
    const id = (result.json.prompt as { id: string }).id;
    this.brands.get(brandId)?.push(id);
    this.feature('prompts_created');
    return id;
  }

  /** Edits a prompt; an unchanged text is not an edit (the web app says so, and so does the ledger). */
  async editPrompt(id: string, text: string, changes: boolean): Promise<void> {
    const result = await this.call('PATCH', '/api/prompts/[id]', `/api/prompts/${id}`, { text });
    this.expect(result, 200, 'edit prompt');
    if (result.json.changed !== changes) throw new Error(`edit of ${id}: changed ${String(result.json.changed)}`);
    if (changes) this.feature('prompts_edited');
  }

  async deletePrompt(brandId: string, id: string): Promise<void> {
    this.expect(await this.call('DELETE', '/api/prompts/[id]', `/api/prompts/${id}`), 204, 'delete prompt');
    const prompts = this.brands.get(brandId) ?? [];
    this.brands.set(
      brandId,
      prompts.filter((p) => p !== id),
    );
    this.feature('prompts_deleted');
  }

  /** Requests a report and waits until a worker finished it (done or failed), as the web API tells. */
  async runReport(brandId: string): Promise<'done' | 'failed'> {
    const result = await this.call('POST', '/api/reports', '/api/reports', { brandId });
    this.expect(result, 201, 'request report');
    this.feature('reports_requested');
    // The offline provider answers each prompt once, in the worker (HTTP providers are counted by their servers).
    if (this.providers.includes('offline')) {
      for (const _ of this.brands.get(brandId) ?? []) this.options.ledger.providerCall('offline', undefined);
    }
    const id = (result.json.report as { id: string }).id;
    // Synchronisation only: the web app counts a finished report into feature_usage (every 500 ms here), so the
    // script waits for that instead of polling the API, which keeps the request counts the same from run to run.
    // The report's outcome itself is then read once from the API.
    this.reportsFinished += 1;
    const deadline = Date.now() + 60_000;
    while ((await this.finishedReportsSeen()) < this.reportsFinished) {
      if (Date.now() > deadline) throw new Error(`${this.options.name}: report ${id} not finished after 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    for (;;) {
      const { json } = await this.call('GET', '/api/reports/[id]', `/api/reports/${id}`);
      const status = (json.report as { status: string }).status;
      if (status === 'done' || status === 'failed') {
        this.feature(status === 'done' ? 'reports_completed' : 'reports_failed');
        return status;
      }
      if (Date.now() > deadline) throw new Error(`report ${id} still ${status} after 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  private reportsFinished = 0;

  private async finishedReportsSeen(): Promise<number> {
    const events = await this.options.sink.events();
    return events
      .filter((e) => e.event === 'feature_usage' && e.distinctId === this.id)
      .reduce(
        (sum, e) => sum + Number(e.properties.reports_completed ?? 0) + Number(e.properties.reports_failed ?? 0),
        0,
      );
  }

  /** The deployment's final counts, for the ledger. */
  recordTotals(): void {
    this.options.ledger.totals.set(this.id, {
      brands: this.brands.size,
      prompts: [...this.brands.values()].reduce((sum, p) => sum + p.length, 0),
    });
  }
}
