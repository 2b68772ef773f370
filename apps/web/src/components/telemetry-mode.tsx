'use client';

import type { TelemetryMode } from '@elmo/telemetry-core';
import { useEffect, useId, useRef, useState } from 'react';
import { callApi } from '../lib/api-client';
import { reloadWith, takeAfterReload } from './after-reload';
import { FieldError } from './field-error';

const MODES: { value: TelemetryMode; label: string; hint: string }[] = [
  { value: 'on', label: 'On', hint: 'Anonymous usage numbers are sent to the maintainers' },
  { value: 'local', label: 'Local only', hint: 'Events are kept in this deployment’s log; nothing leaves the machine' },
  { value: 'off', label: 'Off', hint: 'Nothing is recorded or sent' },
];

/** The `name` of the radios, and the focus target after a reload. */
export const MODE_INPUT_NAME = 'telemetry-mode';

/**
 * The telemetry mode control: one radio group (Tab reaches it, arrow keys move and choose) that records the
 * choice in the deployment .env through the settings API. When a setting this page cannot change forces the
 * decision (the machine policy, an operator's variable, `elmo telemetry disable`), the group is disabled and
 * names it.
 */
export function TelemetryModeControl({ mode, lockedBy }: { mode: TelemetryMode; lockedBy: string | null }) {
  const [chosen, setChosen] = useState<TelemetryMode>(mode);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Marks the control interactive once React has attached its handlers (a choice before that does nothing).
  const [ready, setReady] = useState(false);
  const group = useRef<HTMLDivElement>(null);
  const labelId = useId();
  const hintId = useId();
  useEffect(() => {
    setReady(true);
    // After the reload a choice causes, the keyboard is where it was: on the group.
    if (takeAfterReload(MODE_INPUT_NAME)) group.current?.querySelector<HTMLInputElement>('input:checked')?.focus();
  }, []);
  useEffect(() => setChosen(mode), [mode]);

  async function choose(next: TelemetryMode) {
    if (next === mode) return;
    setChosen(next);
    setBusy(true);
    setError(null);
    const result = await callApi('/api/settings/telemetry', { method: 'POST', body: { mode: next } });
    if (!result.ok) {
      setBusy(false);
      setChosen(mode);
      return setError(result.message);
    }
    reloadWith({ focus: MODE_INPUT_NAME });
  }

  const locked = lockedBy !== null;
  return (
    <div className="telemetry-mode">
      <div
        ref={group}
        role="radiogroup"
        aria-labelledby={labelId}
        aria-describedby={locked ? 'telemetry-locked' : hintId}
        aria-disabled={locked || undefined}
        aria-busy={busy || undefined}
        data-ready={ready ? 'true' : undefined}
        data-mode={mode}
      >
        <p id={labelId} className="group-label">
          Share anonymous telemetry
        </p>
        <div className="segmented">
          {MODES.map(({ value, label }) => (
            <label key={value} className={chosen === value ? 'checked' : undefined}>
              <input
                type="radio"
                name={MODE_INPUT_NAME}
                value={value}
                disabled={locked}
                checked={chosen === value}
                // While a change is on its way another is not started; the radios stay focusable meanwhile.
                onChange={() => (busy ? undefined : void choose(value))}
              />
              <span>{label}</span>
            </label>
          ))}
        </div>
        <p id={hintId} className="hint">
          {MODES.find((m) => m.value === chosen)?.hint}.
        </p>
      </div>
      {locked ? (
        <p id="telemetry-locked" className="muted">
          Locked by {lockedBy}.
        </p>
      ) : null}
      <FieldError id="telemetry-mode-error" message={error} />
    </div>
  );
}
