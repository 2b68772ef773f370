/** One figure of a report's summary, as a term and its value inside a `<dl className="stats">`. */
export function Stat({ label, value }: { label: string; value: number | string }) {
  return (
    <div className="stat">
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}
