import { checkBody, checkBrandName } from '../../../lib/validation';
import { json, readJson, required } from '../../../server/http/responses';
import { withRoute } from '../../../server/http/with-route';

export const dynamic = 'force-dynamic';

/** Lists brands with their prompt counts and latest report. */
export const GET = withRoute('/api/brands', async (_request, _params, { repos }) => {
  return json({ brands: await repos.brands.list() });
});

/** Creates a brand from `{ name }`. */
export const POST = withRoute('/api/brands', async (request, _params, runtime) => {
  const name = required(checkBody(await readJson(request), 'name', checkBrandName));
  const brand = await runtime.repos.brands.create(name);
  runtime.hooks.featureUsed('brands_created');
  await runtime.reportTotals();
  return json({ brand }, 201);
});
