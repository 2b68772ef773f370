import { checkBody, checkPromptText } from '../../../../lib/validation';
import { json, notFound, readJson, required } from '../../../../server/http/responses';
import { withRoute } from '../../../../server/http/with-route';

export const dynamic = 'force-dynamic';

/** One prompt. */
export const GET = withRoute('/api/prompts/[id]', async (_request, { id }, { repos }) => {
  const prompt = await repos.prompts.get(id);
  if (!prompt) throw notFound('Prompt');
  return json({ prompt });
});

/** Replaces a prompt's text from `{ text }`; an unchanged text is not an edit. */
export const PATCH = withRoute('/api/prompts/[id]', async (request, { id }, runtime) => {
  const text = required(checkBody(await readJson(request), 'text', checkPromptText));
  const edited = await runtime.repos.prompts.edit(id, text);
  if (!edited) throw notFound('Prompt');
  if (edited.changed) runtime.hooks.featureUsed('prompts_edited');
  return json({ prompt: edited.prompt, changed: edited.changed });
});

/** Deletes a prompt. */
export const DELETE = withRoute('/api/prompts/[id]', async (_request, { id }, runtime) => {
  if (!(await runtime.repos.prompts.remove(id))) throw notFound('Prompt');
  runtime.hooks.featureUsed('prompts_deleted');
  await runtime.reportTotals();
  return new Response(null, { status: 204 });
});
