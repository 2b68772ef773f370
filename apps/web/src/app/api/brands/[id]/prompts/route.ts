import { checkBody, checkPromptText } from '../../../../../lib/validation';
import { json, notFound, readJson, required } from '../../../../../server/http/responses';
import { withRoute } from '../../../../../server/http/with-route';

export const dynamic = 'force-dynamic';

/** A brand's prompts, oldest first. */
export const GET = withRoute('/api/brands/[id]/prompts', async (_request, { id }, { repos }) => {
  const brand = await repos.brands.get(id);
  if (!brand) throw notFound('Brand');
  return json({ prompts: await repos.prompts.listByBrand(brand.id) });
});

/** Adds a prompt from `{ text }`. */
export const POST = withRoute('/api/brands/[id]/prompts', async (request, { id }, runtime) => {
  const text = required(checkBody(await readJson(request), 'text', checkPromptText));
  const prompt = await runtime.repos.prompts.create(id, text);
  if (!prompt) throw notFound('Brand');
  runtime.hooks.featureUsed('prompts_created');
  await runtime.reportTotals();
  return json({ prompt }, 201);
});
