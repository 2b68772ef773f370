import { type FormEvent, useState } from 'react';
import type { ApiResult } from '../lib/api-client';
import type { Checked } from '../lib/validation';

/**
 * What every form and button that calls the API keeps: `busy` while a call runs (its button is disabled
 * meanwhile) and the sentence to show when the input is refused or the call fails.
 */
export function useApiAction() {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  /** Makes the call; a failure shows its message, a success hands its data on (a shown error stays). */
  async function run<T>(call: () => Promise<ApiResult<T>>, onSuccess: (data: T) => void): Promise<void> {
    setBusy(true);
    const result = await call();
    setBusy(false);
    if (!result.ok) return setError(result.message);
    onSuccess(result.data);
  }

  /**
   * Submits a form: input the check refuses is shown at once, without a call; otherwise the cleaned value is
   * sent, and a success clears the error before `onSuccess`.
   */
  async function submit<V, T>(
    event: FormEvent,
    checked: Checked<V>,
    call: (value: V) => Promise<ApiResult<T>>,
    onSuccess: (data: T) => void,
  ): Promise<void> {
    event.preventDefault();
    if (!checked.ok) return setError(checked.message);
    const { value } = checked;
    await run(
      () => call(value),
      (data) => {
        setError(null);
        onSuccess(data);
      },
    );
  }

  return { error, setError, busy, run, submit };
}
