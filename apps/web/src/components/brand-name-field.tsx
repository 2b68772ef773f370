import { useId } from 'react';
import { BRAND_NAME_MAX } from '../lib/validation';
import { FieldError } from './field-error';

/** The brand name input with its label and error line, as the add form and the rename form show it. */
export function BrandNameField(props: {
  value: string;
  error: string | null;
  onChange(value: string): void;
  name?: string;
  placeholder?: string;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>Brand name</label>
      <input
        id={id}
        name={props.name}
        value={props.value}
        maxLength={BRAND_NAME_MAX * 2}
        autoComplete="off"
        placeholder={props.placeholder}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={props.error ? `${id}-error` : undefined}
        onChange={(event) => props.onChange(event.target.value)}
      />
      <FieldError id={`${id}-error`} message={props.error} />
    </div>
  );
}
