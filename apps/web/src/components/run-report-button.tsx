'use client';

import { useRouter } from 'next/navigation';
import { callApi } from '../lib/api-client';
import { useApiAction } from './use-api-action';

/** Queues a report for the brand and opens it; the page then follows the worker's progress. */
export function RunReportButton({ brandId, label = 'Run report' }: { brandId: string; label?: string }) {
  const router = useRouter();
  const action = useApiAction();
  const { error, busy } = action;

  const run = () =>
    action.run(
      () => callApi<{ report: { id: string } }>('/api/reports', { method: 'POST', body: { brandId } }),
      (data) => router.push(`/reports/${data.report.id}`),
    );

  return (
    <div className="run-report">
      <button type="button" className="button primary" onClick={run} disabled={busy}>
        {busy ? 'Queuing…' : label}
      </button>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
