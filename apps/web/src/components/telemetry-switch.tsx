'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { callApi } from '../lib/api-client';
import { FieldError } from './field-error';

/**
 * The telemetry switch: records the choice in the deployment .env through the settings API. When a setting
 * this page cannot change forces the state (the machine policy, an operator's variable, `elmo telemetry
 * disable`), the switch is disabled and names it.
 */
export function TelemetrySwitch({ enabled, lockedBy }: { enabled: boolean; lockedBy: string | null }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Marks the switch interactive once React has attached its handlers (a click before that does nothing).
  const [ready, setReady] = useState(false);
  useEffect(() => setReady(true), []);

  async function toggle() {
    setBusy(true);
    setError(null);
    const result = await callApi('/api/settings/telemetry', { method: 'POST', body: { enabled: !enabled } });
    setBusy(false);
    if (!result.ok) return setError(result.message);
    // A full reload, so that the browser's analytics are loaded (or left out) according to the new choice.
    window.location.reload();
    router.refresh();
  }

  return (
    <div className="telemetry-switch">
      <button
        type="button"
        role="switch"
        aria-checked={enabled}
        aria-describedby={lockedBy ? 'telemetry-locked' : undefined}
        className={`switch${enabled ? ' on' : ''}`}
        onClick={toggle}
        disabled={busy || lockedBy !== null}
        data-ready={ready ? 'true' : undefined}
      >
        <span className="switch-track" aria-hidden="true">
          <span className="switch-thumb" />
        </span>
        <span className="switch-label">Share anonymous telemetry</span>
      </button>
      {lockedBy ? (
        <p id="telemetry-locked" className="muted">
          Locked by {lockedBy}.
        </p>
      ) : null}
      <FieldError id="telemetry-switch-error" message={error} />
    </div>
  );
}
