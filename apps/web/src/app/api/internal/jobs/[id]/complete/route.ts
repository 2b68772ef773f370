import { parseReportResult } from '@elmo/app-shared';
import { checkBody, checkWorkerId, isRecord } from '../../../../../../lib/validation';
import { requireInternalToken } from '../../../../../../server/http/internal-auth';
import { jobUpdateResponse } from '../../../../../../server/http/job-update-response';
import { HttpError, readJson, required } from '../../../../../../server/http/responses';
import { withRoute } from '../../../../../../server/http/with-route';

export const dynamic = 'force-dynamic';

/** Worker only: stores `{ workerId, result }` for a job it claimed and marks it done. */
export const POST = withRoute('/api/internal/jobs/[id]/complete', async (request, { id }, runtime) => {
  requireInternalToken(request, runtime.env);
  const body = await readJson(request, 8 * 1024 * 1024);
  const workerId = required(checkBody(body, 'workerId', checkWorkerId));
  const result = parseReportResult(isRecord(body) ? body.result : undefined);
  if (!result) throw new HttpError(400, 'invalid_input', '"result" is not a valid report (version 2).', 'result');
  const update = await runtime.repos.reports.complete(id, workerId, result);
  if (update.outcome === 'done') runtime.hooks.featureUsed('reports_completed');
  return jobUpdateResponse(update);
});
