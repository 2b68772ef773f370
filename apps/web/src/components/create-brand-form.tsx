'use client';

import { useRouter } from 'next/navigation';
import { type FormEvent, useId, useState } from 'react';
import { callApi } from '../lib/api-client';
import { BRAND_NAME_MAX, checkBrandName } from '../lib/validation';
import { FieldError } from './field-error';

/** "Add a brand" form: validates, creates, then opens the new brand. */
export function CreateBrandForm() {
  const router = useRouter();
  const inputId = useId();
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const check = checkBrandName(name);
    if (!check.ok) return setError(check.message);
    setBusy(true);
    const result = await callApi<{ brand: { id: string } }>('/api/brands', {
      method: 'POST',
      body: { name: check.value },
    });
    setBusy(false);
    if (!result.ok) return setError(result.message);
    setName('');
    setError(null);
    router.push(`/brands/${result.data.brand.id}`);
  }

  return (
    <form className="inline-form" onSubmit={submit} noValidate>
      <div className="field">
        <label htmlFor={inputId}>Brand name</label>
        <input
          id={inputId}
          name="name"
          value={name}
          maxLength={BRAND_NAME_MAX * 2}
          autoComplete="off"
          placeholder="e.g. Acme Coffee"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${inputId}-error` : undefined}
          onChange={(event) => setName(event.target.value)}
        />
        <FieldError id={`${inputId}-error`} message={error} />
      </div>
      <button type="submit" className="button primary" disabled={busy}>
        {busy ? 'Adding…' : 'Add brand'}
      </button>
    </form>
  );
}
