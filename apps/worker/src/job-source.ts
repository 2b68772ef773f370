import { type ClaimedJob, parseClaimedJob, type ReportResult } from '@elmo/app-shared';

/** Where jobs come from and where their outcome goes; `signal` aborts a request in flight. */
export interface JobSource {
  /** The next job for `workerId`, or null when none is queued. */
  claim(workerId: string, signal?: AbortSignal): Promise<ClaimedJob | null>;
  /** Stores the result of a job this worker claimed. */
  complete(jobId: string, workerId: string, result: ReportResult, signal?: AbortSignal): Promise<void>;
  /** Reports a failure by stable code; the web app re-queues or gives up. */
  fail(jobId: string, workerId: string, errorCode: string, signal?: AbortSignal): Promise<void>;
}

/** The web app answered with an unexpected status; `code` is its error code when it sent one. */
export class WebApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | null,
    message: string,
  ) {
    super(message);
    this.name = 'WebApiError';
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Options of the HTTP job source. */
export interface HttpJobSourceOptions {
  baseUrl: string;
  token: string;
  /** Per-request limit, so a web app that never answers cannot hold the worker. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** The web app's internal API (`/api/internal/jobs/…`) as a JobSource. */
export function createHttpJobSource(options: HttpJobSourceOptions): JobSource {
  const send = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 5000;

  async function post(path: string, body: unknown, signal?: AbortSignal): Promise<Response> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const response = await send(`${options.baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    if (response.ok) return response;
    const error = await response.json().then(
      (b: unknown) => (isRecord(b) && isRecord(b.error) ? b.error : {}),
      () => ({}) as Record<string, unknown>,
    );
    const code = typeof error.code === 'string' ? error.code : null;
    const message = typeof error.message === 'string' ? error.message : response.statusText;
    throw new WebApiError(response.status, code, `POST ${path} answered ${response.status}: ${message}`);
  }

  return {
    async claim(workerId, signal) {
      const response = await post('/api/internal/jobs/claim', { workerId }, signal);
      if (response.status === 204) return null;
      const body: unknown = await response.json();
      const job = parseClaimedJob(isRecord(body) ? body.job : undefined);
      if (!job) throw new WebApiError(response.status, 'invalid_job', 'the claimed job has an unexpected shape');
      return job;
    },
    async complete(jobId, workerId, result, signal) {
      await post(`/api/internal/jobs/${encodeURIComponent(jobId)}/complete`, { workerId, result }, signal);
    },
    async fail(jobId, workerId, errorCode, signal) {
      await post(`/api/internal/jobs/${encodeURIComponent(jobId)}/fail`, { workerId, errorCode }, signal);
    },
  };
}
