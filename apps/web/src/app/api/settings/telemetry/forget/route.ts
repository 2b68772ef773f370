import { FileStateError } from '@elmo/telemetry-core/node';
import { HttpError, json, readJson } from '../../../../../server/http/responses';
import { withRoute } from '../../../../../server/http/with-route';

export const dynamic = 'force-dynamic';

/**
 * "Forget this deployment" (SPEC §6), from `{ "confirm": true }`: one deletion request keyed by the deployment
 * id, telemetry off in the deployment .env, and a new id. Answers the ids (masked) and the new panel.
 */
export const POST = withRoute('/api/settings/telemetry/forget', async (request, _params, { telemetry }) => {
  const body = await readJson(request);
  if ((body as { confirm?: unknown } | null)?.confirm !== true) {
    throw new HttpError(400, 'invalid_input', 'Send { "confirm": true } to forget this deployment.', 'confirm');
  }
  const forgotten = await telemetry.forget().catch((error: unknown) => {
    // A .env that cannot be read is refused before anything is written or sent; the message names the file.
    if (error instanceof FileStateError) throw new HttpError(409, 'conflict', error.message);
    throw error;
  });
  return json({ forgotten, panel: telemetry.panel() });
});
