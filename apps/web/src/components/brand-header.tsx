'use client';

import { useRouter } from 'next/navigation';
import { type FormEvent, useId, useState } from 'react';
import { callApi } from '../lib/api-client';
import { plural } from '../lib/format';
import { BRAND_NAME_MAX, checkBrandName } from '../lib/validation';
import { FieldError } from './field-error';

/** A brand's title with rename (inline) and delete (with a confirmation step). */
export function BrandHeader({ id, name, promptCount }: { id: string; name: string; promptCount: number }) {
  const router = useRouter();
  const inputId = useId();
  const [mode, setMode] = useState<'view' | 'rename' | 'confirm-delete'>('view');
  const [draft, setDraft] = useState(name);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function rename(event: FormEvent) {
    event.preventDefault();
    const check = checkBrandName(draft);
    if (!check.ok) return setError(check.message);
    setBusy(true);
    const result = await callApi(`/api/brands/${id}`, { method: 'PATCH', body: { name: check.value } });
    setBusy(false);
    if (!result.ok) return setError(result.message);
    setError(null);
    setMode('view');
    router.refresh();
  }

  async function remove() {
    setBusy(true);
    const result = await callApi(`/api/brands/${id}`, { method: 'DELETE' });
    setBusy(false);
    if (!result.ok) return setError(result.message);
    router.push('/');
    router.refresh();
  }

  if (mode === 'rename') {
    return (
      <form className="inline-form title-form" onSubmit={rename} noValidate>
        <div className="field">
          <label htmlFor={inputId}>Brand name</label>
          <input
            id={inputId}
            value={draft}
            maxLength={BRAND_NAME_MAX * 2}
            autoComplete="off"
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${inputId}-error` : undefined}
            onChange={(event) => setDraft(event.target.value)}
          />
          <FieldError id={`${inputId}-error`} message={error} />
        </div>
        <button type="submit" className="button primary" disabled={busy}>
          Save name
        </button>
        <button
          type="button"
          className="button"
          onClick={() => {
            setMode('view');
            setDraft(name);
            setError(null);
          }}
        >
          Cancel
        </button>
      </form>
    );
  }

  return (
    <div className="title-row">
      <h1>{name}</h1>
      <div className="actions">
        {mode === 'confirm-delete' ? (
          <fieldset className="confirm">
            <legend className="sr-only">Confirm deleting the brand</legend>
            <span>
              Delete “{name}”{' '}
              {promptCount === 0 ? 'and its reports' : `with its ${plural(promptCount, 'prompt')} and reports`}?
            </span>
            <button type="button" className="button danger" onClick={remove} disabled={busy}>
              Yes, delete brand
            </button>
            <button type="button" className="button" onClick={() => setMode('view')}>
              Keep it
            </button>
          </fieldset>
        ) : (
          <>
            <button
              type="button"
              className="button"
              onClick={() => {
                setDraft(name);
                setMode('rename');
              }}
            >
              Rename
            </button>
            <button type="button" className="button danger-outline" onClick={() => setMode('confirm-delete')}>
              Delete brand
            </button>
          </>
        )}
      </div>
      {mode === 'view' && error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
