'use client';

import type { FormEvent } from 'react';
import { callApi } from '../lib/api-client';
import { plural } from '../lib/format';
import { checkBrandName } from '../lib/validation';
import { BrandNameField } from './brand-name-field';
import { useInlineEdit } from './use-inline-edit';

/** A brand's title with rename (inline) and delete (with a confirmation step). */
export function BrandHeader({ id, name, promptCount }: { id: string; name: string; promptCount: number }) {
  const edit = useInlineEdit(name);
  const { mode, draft, error, busy } = edit;

  const rename = (event: FormEvent) =>
    edit.save(event, checkBrandName(draft), (value) =>
      callApi(`/api/brands/${id}`, { method: 'PATCH', body: { name: value } }),
    );
  // The brand's page is gone with it: back to the list.
  const remove = () => edit.remove(() => callApi(`/api/brands/${id}`, { method: 'DELETE' }), '/');

  if (mode === 'edit') {
    return (
      <form className="inline-form title-form" onSubmit={rename} noValidate>
        <BrandNameField value={draft} error={error} onChange={edit.setDraft} />
        <button type="submit" className="button primary" disabled={busy}>
          Save name
        </button>
        <button type="button" className="button" onClick={edit.cancelEdit}>
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
            <button type="button" className="button" onClick={() => edit.setMode('view')}>
              Keep it
            </button>
          </fieldset>
        ) : (
          <>
            <button type="button" className="button" onClick={edit.startEdit}>
              Rename
            </button>
            <button type="button" className="button danger-outline" onClick={() => edit.setMode('confirm-delete')}>
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
