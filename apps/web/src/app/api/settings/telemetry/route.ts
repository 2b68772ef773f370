import type { TelemetryMode } from '@elmo/telemetry-core';
import { HttpError, json, readJson } from '../../../../server/http/responses';
import { withRoute } from '../../../../server/http/with-route';

export const dynamic = 'force-dynamic';

const MODES: readonly string[] = ['on', 'local', 'off'] satisfies TelemetryMode[];

/** `{ mode: "on" | "local" | "off" }`, or the older `{ enabled: boolean }` (true is on, false is off). */
function requestedMode(body: unknown): TelemetryMode {
  const { mode, enabled } = (body ?? {}) as { mode?: unknown; enabled?: unknown };
  if (mode !== undefined) {
    if (typeof mode === 'string' && MODES.includes(mode)) return mode as TelemetryMode;
    throw new HttpError(
      400,
      'invalid_input',
      'Send { "mode": "on" }, { "mode": "local" } or { "mode": "off" }.',
      'mode',
    );
  }
  if (typeof enabled === 'boolean') return enabled ? 'on' : 'off';
  throw new HttpError(400, 'invalid_input', 'Send { "mode": "on" }, { "mode": "local" } or { "mode": "off" }.', 'mode');
}

/** The telemetry decision, its reason, the latest events and the last days of the log, as the settings page shows them. */
export const GET = withRoute('/api/settings/telemetry', async (_request, _params, { telemetry }) =>
  json(telemetry.panel()),
);

/** Sets the telemetry mode: the one writer records it in the deployment .env; 409 while a lock forces it. */
export const POST = withRoute('/api/settings/telemetry', async (request, _params, { telemetry }) => {
  const mode = requestedMode(await readJson(request));
  const result = telemetry.setMode(mode);
  if (!result.ok) {
    throw new HttpError(
      409,
      'conflict',
      `Telemetry is locked by ${result.lockedBy}; it cannot be changed from this page.`,
    );
  }
  return json(telemetry.panel());
});
