const labels: Record<string, string> = { queued: 'Queued', running: 'Running', done: 'Done', failed: 'Failed' };

/** A report status as a coloured label. */
export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${status}`}>{labels[status] ?? status}</span>;
}
