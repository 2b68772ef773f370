'use client';

import { useEffect, useRef, useState } from 'react';
import { callApi } from '../lib/api-client';
import { reloadWith, takeAfterReload } from './after-reload';
import { FieldError } from './field-error';

const QUESTION =
  'This sends one deletion request for this deployment’s id, turns telemetry off and gives the deployment a new id. Forget it?';

/** What POST /api/settings/telemetry/forget answers: the ids, shortened as the page shows them. */
interface Forgotten {
  forgotten: { previousId: string | null; newId: string; requestSent: boolean };
}

/**
 * "Forget this deployment" (SPEC §6): asks first, inline (no browser dialog), then sends one deletion request
 * for the deployment's id, turns telemetry off and gives the deployment a new id. Escape or Cancel takes the
 * question back.
 */
export function ForgetDeployment() {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const note = takeAfterReload('forget-deployment');
    if (note?.message) {
      setDone(note.message);
      trigger.current?.focus();
    }
  }, []);
  useEffect(() => {
    if (asking) cancel.current?.focus();
  }, [asking]);

  function close() {
    setAsking(false);
    setError(null);
    trigger.current?.focus();
  }

  async function confirm() {
    setBusy(true);
    setError(null);
    const result = await callApi<Forgotten>('/api/settings/telemetry/forget', {
      method: 'POST',
      body: { confirm: true },
    });
    setBusy(false);
    if (!result.ok) return setError(result.message);
    const { previousId, newId, requestSent } = result.data.forgotten;
    const request = requestSent
      ? `a deletion request for ${previousId} was sent`
      : `the deletion request for ${previousId} could not be sent (see the latest events)`;
    const message = previousId
      ? `Forgotten: ${request}, telemetry is off and this deployment’s id is now ${newId}.`
      : `Telemetry is off and this deployment has a new id, ${newId}. It had no id before, so there was nothing to delete.`;
    reloadWith({ focus: 'forget-deployment', message });
  }

  return (
    <div className="forget-deployment" id="forget-deployment">
      <button
        ref={trigger}
        type="button"
        className="button danger-outline"
        aria-expanded={asking}
        aria-controls="forget-confirm"
        onClick={() => setAsking(true)}
        disabled={busy}
      >
        Forget this deployment
      </button>
      {asking ? (
        <fieldset
          id="forget-confirm"
          className="forget-confirm"
          onKeyDown={(event) => {
            if (event.key === 'Escape') close();
          }}
        >
          <legend id="forget-question">{QUESTION}</legend>
          <div className="actions">
            <button type="button" className="button danger" onClick={confirm} disabled={busy}>
              {busy ? 'Forgetting…' : 'Confirm'}
            </button>
            <button
              ref={cancel}
              type="button"
              className="button"
              aria-describedby="forget-question"
              onClick={close}
              disabled={busy}
            >
              Cancel
            </button>
          </div>
        </fieldset>
      ) : null}
      <p role="status" className="hint" data-testid="forget-result">
        {done}
      </p>
      <FieldError id="forget-error" message={error} />
    </div>
  );
}
