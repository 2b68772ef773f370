import { checkBody, checkId } from '../../../lib/validation';
import { HttpError, json, notFound, readJson, required } from '../../../server/http/responses';
import { withRoute } from '../../../server/http/with-route';

export const dynamic = 'force-dynamic';

/** The latest reports (`?brandId=` for one brand, `?limit=` 1–100), without their results. */
export const GET = withRoute('/api/reports', async (request, _params, { repos }) => {
  const query = new URL(request.url).searchParams;
  const brandId = query.get('brandId');
  if (brandId !== null) required(checkId(brandId, 'brandId'));
  const limit = Number(query.get('limit') ?? 20);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw new HttpError(400, 'invalid_input', '"limit" must be a whole number from 1 to 100.', 'limit');
  }
  const reports = await repos.reports.list({ brandId: brandId ?? undefined, limit });
  return json({ reports: reports.map(({ result: _result, ...report }) => report) });
});

/** Queues a report for `{ brandId }`; the worker computes it. */
export const POST = withRoute('/api/reports', async (request, _params, runtime) => {
  const brandId = required(checkBody(await readJson(request), 'brandId', (v) => checkId(v, 'brandId')));
  const report = await runtime.repos.reports.request(brandId);
  if (!report) throw notFound('Brand');
  runtime.hooks.featureUsed('reports_requested');
  return json({ report }, 201);
});
