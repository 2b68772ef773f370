import { type FormEvent, useState } from 'react';
import type { ApiResult } from '../lib/api-client';
import type { Checked } from '../lib/validation';
import { useApiAction } from './use-api-action';

/**
 * A form that creates something from one text (a brand from its name, a prompt from its text): the text, and a
 * submit that checks it, sends the cleaned value and empties the input once the thing exists.
 */
export function useCreateForm<T>(
  check: (text: string) => Checked<string>,
  create: (value: string) => Promise<ApiResult<T>>,
  onCreated: (data: T) => void,
) {
  const [text, setText] = useState('');
  const { error, busy, submit } = useApiAction();
  return {
    text,
    setText,
    error,
    busy,
    submit: (event: FormEvent) =>
      submit(event, check(text), create, (data) => {
        setText('');
        onCreated(data);
      }),
  };
}
