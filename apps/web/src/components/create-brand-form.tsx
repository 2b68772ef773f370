'use client';

import { useRouter } from 'next/navigation';
import { callApi } from '../lib/api-client';
import { checkBrandName } from '../lib/validation';
import { BrandNameField } from './brand-name-field';
import { useCreateForm } from './use-create-form';

/** "Add a brand" form: validates, creates, then opens the new brand. */
export function CreateBrandForm() {
  const router = useRouter();
  const { text, setText, error, busy, submit } = useCreateForm(
    checkBrandName,
    (name) => callApi<{ brand: { id: string } }>('/api/brands', { method: 'POST', body: { name } }),
    (data) => router.push(`/brands/${data.brand.id}`),
  );

  return (
    <form className="inline-form" onSubmit={submit} noValidate>
      <BrandNameField name="name" value={text} error={error} onChange={setText} placeholder="e.g. Acme Coffee" />
      <button type="submit" className="button primary" disabled={busy}>
        {busy ? 'Adding…' : 'Add brand'}
      </button>
    </form>
  );
}
