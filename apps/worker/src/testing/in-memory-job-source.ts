import type { ClaimedJob, ReportResult } from '@elmo/app-shared';
import type { JobSource } from '../job-source.js';

/** A JobSource kept in memory, for tests: queue jobs, then inspect what the worker reported. */
export function createInMemoryJobSource(jobs: ClaimedJob[] = []) {
  const queue = [...jobs];
  const claims: { jobId: string; workerId: string }[] = [];
  const completed: { jobId: string; workerId: string; result: ReportResult }[] = [];
  const failed: { jobId: string; workerId: string; errorCode: string }[] = [];
  let unreachable: Error | null = null;

  const source: JobSource = {
    async claim(workerId) {
      if (unreachable) throw unreachable;
      const job = queue.shift() ?? null;
      if (job) claims.push({ jobId: job.id, workerId });
      return job;
    },
    async complete(jobId, workerId, result) {
      if (unreachable) throw unreachable;
      completed.push({ jobId, workerId, result });
    },
    async fail(jobId, workerId, errorCode) {
      if (unreachable) throw unreachable;
      failed.push({ jobId, workerId, errorCode });
    },
  };
  return {
    source,
    claims,
    completed,
    failed,
    /** Adds a job to the end of the queue. */
    push: (job: ClaimedJob) => void queue.push(job),
    /** Makes every call fail with `error` (null: work again). */
    setUnreachable: (error: Error | null) => {
      unreachable = error;
    },
  };
}
