import { checkBody, checkBrandName } from '../../../../lib/validation';
import { json, notFound, readJson, required } from '../../../../server/http/responses';
import { withRoute } from '../../../../server/http/with-route';

export const dynamic = 'force-dynamic';

/** A brand with its prompts. */
export const GET = withRoute('/api/brands/[id]', async (_request, { id }, { repos }) => {
  const brand = await repos.brands.get(id);
  if (!brand) throw notFound('Brand');
  return json({ brand, prompts: await repos.prompts.listByBrand(brand.id) });
});

/** Renames a brand from `{ name }`. */
export const PATCH = withRoute('/api/brands/[id]', async (request, { id }, runtime) => {
  const name = required(checkBody(await readJson(request), 'name', checkBrandName));
  const brand = await runtime.repos.brands.rename(id, name);
  if (!brand) throw notFound('Brand');
  runtime.hooks.featureUsed('brands_renamed');
  return json({ brand });
});

/** Deletes a brand with its prompts and reports. */
export const DELETE = withRoute('/api/brands/[id]', async (_request, { id }, runtime) => {
  if (!(await runtime.repos.brands.remove(id))) throw notFound('Brand');
  runtime.hooks.featureUsed('brands_deleted');
  await runtime.reportTotals();
  return new Response(null, { status: 204 });
});
