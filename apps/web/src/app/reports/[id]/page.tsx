import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AutoRefresh } from '../../../components/auto-refresh';
import { ReportBody } from '../../../components/report-body';
import { RunReportButton } from '../../../components/run-report-button';
import { StatusBadge } from '../../../components/status-badge';
import { formatDateTime } from '../../../lib/format';
import { getRuntime } from '../../../server/runtime';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ id: string }> };

export const metadata: Metadata = { title: 'Report' };

const errorExplanations: Record<string, string> = {
  lease_expired: 'The worker stopped answering while running it.',
  worker_stopped: 'The worker was stopped before it finished.',
};

/** One report: its progress while the worker runs it, then what each provider said and the prompt inventory. */
export default async function ReportPage({ params }: Props) {
  const { repos } = await getRuntime();
  const report = await repos.reports.get((await params).id);
  if (!report) notFound();
  const pending = report.status === 'queued' || report.status === 'running';

  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/">Dashboard</Link> <span aria-hidden="true">›</span>{' '}
        <Link href={`/brands/${report.brandId}`}>{report.brandName}</Link> <span aria-hidden="true">›</span>{' '}
        <span>Report</span>
      </nav>
      <div className="title-row">
        <h1>Report on {report.brandName}</h1>
        <StatusBadge status={report.status} />
      </div>
      <p className="meta">
        Requested {formatDateTime(report.createdAt)}
        {report.finishedAt ? ` · finished ${formatDateTime(report.finishedAt)}` : ''}
        {report.attempts > 1 ? ` · attempt ${report.attempts}` : ''}
      </p>

      {pending ? (
        <section className="card" aria-live="polite">
          <p>
            {report.status === 'queued'
              ? 'Waiting for the worker to pick this report up…'
              : 'The worker is computing this report…'}
          </p>
          <p className="meta">This page updates by itself.</p>
        </section>
      ) : null}
      {report.status === 'failed' ? (
        <section className="card error-card" role="alert">
          <p>
            This report failed after {report.attempts} {report.attempts === 1 ? 'attempt' : 'attempts'}
            {report.errorCode ? ` (${report.errorCode})` : ''}. {errorExplanations[report.errorCode ?? ''] ?? ''}
          </p>
          <RunReportButton brandId={report.brandId} label="Run it again" />
        </section>
      ) : null}
      {report.status === 'done' && report.result ? <ReportBody result={report.result} /> : null}
      <AutoRefresh active={pending} />
    </>
  );
}
