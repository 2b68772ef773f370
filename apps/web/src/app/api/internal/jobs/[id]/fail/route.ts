import { checkBody, checkErrorCode, checkWorkerId } from '../../../../../../lib/validation';
import { requireInternalToken } from '../../../../../../server/http/internal-auth';
import { jobUpdateResponse } from '../../../../../../server/http/job-update-response';
import { readJson, required } from '../../../../../../server/http/responses';
import { withRoute } from '../../../../../../server/http/with-route';

export const dynamic = 'force-dynamic';

/** Worker only: records `{ workerId, errorCode }` for a job it claimed; re-queued until attempts run out. */
export const POST = withRoute('/api/internal/jobs/[id]/fail', async (request, { id }, runtime) => {
  requireInternalToken(request, runtime.env);
  const body = await readJson(request);
  const workerId = required(checkBody(body, 'workerId', checkWorkerId));
  const errorCode = required(checkBody(body, 'errorCode', checkErrorCode));
  const update = await runtime.repos.reports.fail(id, workerId, errorCode);
  if (update.outcome === 'failed') runtime.hooks.featureUsed('reports_failed');
  return jobUpdateResponse(update);
});
