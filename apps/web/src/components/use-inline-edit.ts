import { useRouter } from 'next/navigation';
import { type FormEvent, useState } from 'react';
import type { ApiResult } from '../lib/api-client';
import type { Checked } from '../lib/validation';
import { useApiAction } from './use-api-action';

/** What an item edited in place shows: itself, its edit form, or the question whether to delete it. */
export type InlineEditMode = 'view' | 'edit' | 'confirm-delete';

/**
 * An item edited in place (a brand's name, a prompt's text): which face it shows, the draft, and the calls that
 * save or delete it. Editing starts from the saved value and Cancel goes back to it; after a change the page
 * reloads its server data, so the item shows what was stored.
 */
export function useInlineEdit(saved: string) {
  const router = useRouter();
  const [mode, setMode] = useState<InlineEditMode>('view');
  const [draft, setDraft] = useState(saved);
  const { error, busy, run, submit, setError } = useApiAction();

  return {
    mode,
    setMode,
    draft,
    setDraft,
    error,
    busy,
    startEdit() {
      setDraft(saved);
      setMode('edit');
    },
    cancelEdit() {
      setMode('view');
      setDraft(saved);
      setError(null);
    },
    /** Saves the checked draft; on success the item shows itself again. */
    save(event: FormEvent, checked: Checked<string>, call: (value: string) => Promise<ApiResult<unknown>>) {
      return submit(event, checked, call, () => {
        setMode('view');
        router.refresh();
      });
    },
    /** Deletes the item; on success goes to `goTo` first when the item's own page is gone with it. */
    remove(call: () => Promise<ApiResult<unknown>>, goTo?: string) {
      return run(call, () => {
        if (goTo) router.push(goTo);
        router.refresh();
      });
    },
  };
}
