/** The error line under a field, announced to screen readers when it appears. */
export function FieldError({ id, message }: { id: string; message: string | null }) {
  return (
    <p id={id} className="field-error" role="alert" hidden={!message}>
      {message}
    </p>
  );
}
