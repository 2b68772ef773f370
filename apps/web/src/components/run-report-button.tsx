'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { callApi } from '../lib/api-client';

/** Queues a report for the brand and opens it; the page then follows the worker's progress. */
export function RunReportButton({ brandId, label = 'Run report' }: { brandId: string; label?: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function run() {
    setBusy(true);
    const result = await callApi<{ report: { id: string } }>('/api/reports', { method: 'POST', body: { brandId } });
    setBusy(false);
    if (!result.ok) return setError(result.message);
    router.push(`/reports/${result.data.report.id}`);
  }

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
