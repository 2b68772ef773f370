'use client';

import { useRouter } from 'next/navigation';
import { type FormEvent, useId } from 'react';
import { callApi } from '../lib/api-client';
import { checkPromptText, PROMPT_TEXT_MAX } from '../lib/validation';
import { FieldError } from './field-error';
import { useCreateForm } from './use-create-form';
import { useInlineEdit } from './use-inline-edit';

/** A prompt as the brand page hands it over, with dates already formatted. */
export interface PromptView {
  id: string;
  text: string;
  createdLabel: string;
  editedLabel: string | null;
}

function PromptTextField(props: {
  label: string;
  value: string;
  error: string | null;
  onChange(value: string): void;
  autoFocus?: boolean;
}) {
  const id = useId();
  const size = [...props.value.trim()].length;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <textarea
        id={id}
        rows={3}
        value={props.value}
        // biome-ignore lint/a11y/noAutofocus: focus follows the person's click on "Edit".
        autoFocus={props.autoFocus}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={`${id}-count${props.error ? ` ${id}-error` : ''}`}
        onChange={(event) => props.onChange(event.target.value)}
      />
      <p id={`${id}-count`} className={`hint${size > PROMPT_TEXT_MAX ? ' over' : ''}`}>
        {size} / {PROMPT_TEXT_MAX} characters
      </p>
      <FieldError id={`${id}-error`} message={props.error} />
    </div>
  );
}

function AddPromptForm({ brandId }: { brandId: string }) {
  const router = useRouter();
  const { text, setText, error, busy, submit } = useCreateForm(
    checkPromptText,
    (value) => callApi(`/api/brands/${brandId}/prompts`, { method: 'POST', body: { text: value } }),
    () => router.refresh(),
  );

  return (
    <form className="stack-form" onSubmit={submit} noValidate>
      <PromptTextField label="New prompt" value={text} error={error} onChange={setText} />
      <div>
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? 'Adding…' : 'Add prompt'}
        </button>
      </div>
    </form>
  );
}

function PromptItem({ prompt, index }: { prompt: PromptView; index: number }) {
  const edit = useInlineEdit(prompt.text);
  const { mode, draft, error, busy } = edit;

  const save = (event: FormEvent) =>
    edit.save(event, checkPromptText(draft), (value) =>
      callApi(`/api/prompts/${prompt.id}`, { method: 'PATCH', body: { text: value } }),
    );
  const remove = () => edit.remove(() => callApi(`/api/prompts/${prompt.id}`, { method: 'DELETE' }));

  const label = `Prompt ${index + 1}`;
  if (mode === 'edit') {
    return (
      <li className="prompt editing">
        <form className="stack-form" onSubmit={save} noValidate>
          <PromptTextField
            label={`Edit prompt ${index + 1}`}
            value={draft}
            error={error}
            onChange={edit.setDraft}
            autoFocus
          />
          <div className="actions">
            <button type="submit" className="button primary" disabled={busy}>
              Save
            </button>
            <button type="button" className="button" onClick={edit.cancelEdit}>
              Cancel
            </button>
          </div>
        </form>
      </li>
    );
  }

  return (
    <li className="prompt" aria-label={label}>
      <p className="prompt-text">{prompt.text}</p>
      <p className="meta">
        Added {prompt.createdLabel}
        {prompt.editedLabel ? ` · edited ${prompt.editedLabel}` : ''}
      </p>
      <div className="actions">
        {mode === 'confirm-delete' ? (
          <>
            <span>Delete this prompt?</span>
            <button type="button" className="button danger" onClick={remove} disabled={busy}>
              Yes, delete
            </button>
            <button type="button" className="button" onClick={() => edit.setMode('view')}>
              Keep it
            </button>
          </>
        ) : (
          <>
            <button
              type="button"
              className="button small"
              aria-label={`Edit ${label.toLowerCase()}`}
              onClick={edit.startEdit}
            >
              Edit
            </button>
            <button
              type="button"
              className="button small danger-outline"
              aria-label={`Delete ${label.toLowerCase()}`}
              onClick={() => edit.setMode('confirm-delete')}
            >
              Delete
            </button>
          </>
        )}
      </div>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </li>
  );
}

/** A brand's prompts: add, edit inline, delete. */
export function PromptSection({ brandId, prompts }: { brandId: string; prompts: PromptView[] }) {
  return (
    <>
      {prompts.length === 0 ? (
        <p className="empty">No prompts yet. Add the questions people ask about this brand.</p>
      ) : (
        <ol className="prompt-list">
          {prompts.map((prompt, index) => (
            // The key includes the text so a refreshed prompt resets its local edit state.
            <PromptItem key={`${prompt.id}:${prompt.text}`} prompt={prompt} index={index} />
          ))}
        </ol>
      )}
      <AddPromptForm brandId={brandId} />
    </>
  );
}
