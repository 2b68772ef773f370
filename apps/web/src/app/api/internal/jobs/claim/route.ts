import { checkBody, checkWorkerId } from '../../../../../lib/validation';
import { requireInternalToken } from '../../../../../server/http/internal-auth';
import { json, readJson, required } from '../../../../../server/http/responses';
import { withRoute } from '../../../../../server/http/with-route';

export const dynamic = 'force-dynamic';

/** Worker only: claims the oldest queued report job for `{ workerId }`; 204 when there is none. */
export const POST = withRoute('/api/internal/jobs/claim', async (request, _params, runtime) => {
  requireInternalToken(request, runtime.env);
  const workerId = required(checkBody(await readJson(request), 'workerId', checkWorkerId));
  const { job, expired } = await runtime.repos.reports.claim(workerId);
  if (expired > 0) runtime.hooks.featureUsed('reports_failed', expired);
  return job ? json({ job }) : new Response(null, { status: 204 });
});
