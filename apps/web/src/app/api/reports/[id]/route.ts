import { json, notFound } from '../../../../server/http/responses';
import { withRoute } from '../../../../server/http/with-route';

export const dynamic = 'force-dynamic';

/** One report with its status and, when done, its result. */
export const GET = withRoute('/api/reports/[id]', async (_request, { id }, { repos }) => {
  const report = await repos.reports.get(id);
  if (!report) throw notFound('Report');
  return json({ report });
});
