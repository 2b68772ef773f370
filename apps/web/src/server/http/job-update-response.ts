import type { JobUpdate } from '../repositories/reports';
import { HttpError, json, notFound } from './responses';

/** The answer to complete/fail: the job's new status, 404 for an unknown job, 409 when not claimed by the caller. */
export function jobUpdateResponse(update: JobUpdate): Response {
  if (update.outcome === 'not_found') throw notFound('Job');
  if (update.outcome === 'not_claimed') {
    throw new HttpError(409, 'conflict', 'This job is not running under this worker (finished, re-queued or expired).');
  }
  const { id, status, attempts } = update.report;
  return json({ job: { id, status, attempts } });
}
