import { HttpError, json, readJson } from '../../../../server/http/responses';
import { withRoute } from '../../../../server/http/with-route';

export const dynamic = 'force-dynamic';

/** The telemetry decision, its reason and the latest events, as the settings page shows them. */
export const GET = withRoute('/api/settings/telemetry', async (_request, _params, { telemetry }) =>
  json(telemetry.panel()),
);

/** Turns telemetry on or off from `{ enabled }`: the one writer records it in the deployment .env. */
export const POST = withRoute('/api/settings/telemetry', async (request, _params, { telemetry }) => {
  const body = await readJson(request);
  const enabled = (body as { enabled?: unknown } | null)?.enabled;
  if (typeof enabled !== 'boolean') {
    throw new HttpError(400, 'invalid_input', 'Send { "enabled": true } or { "enabled": false }.', 'enabled');
  }
  const result = telemetry.setEnabled(enabled);
  if (!result.ok) {
    throw new HttpError(
      409,
      'conflict',
      `Telemetry is locked by ${result.lockedBy}; it cannot be changed from this page.`,
    );
  }
  return json(telemetry.panel());
});
