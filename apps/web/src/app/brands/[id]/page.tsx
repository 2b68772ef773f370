import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AutoRefresh } from '../../../components/auto-refresh';
import { BrandHeader } from '../../../components/brand-header';
import { PromptSection } from '../../../components/prompt-section';
import { RunReportButton } from '../../../components/run-report-button';
import { StatusBadge } from '../../../components/status-badge';
import { formatDateTime, plural } from '../../../lib/format';
import { getRuntime } from '../../../server/runtime';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { repos } = await getRuntime();
  const brand = await repos.brands.get((await params).id);
  return { title: brand?.name ?? 'Brand not found' };
}

/** A brand: rename or delete it, manage its prompts, run and list its reports. */
export default async function BrandPage({ params }: Props) {
  const { repos } = await getRuntime();
  const brand = await repos.brands.get((await params).id);
  if (!brand) notFound();
  const [prompts, reports] = await Promise.all([
    repos.prompts.listByBrand(brand.id),
    repos.reports.list({ brandId: brand.id, limit: 10 }),
  ]);
  const pending = reports.some((r) => r.status === 'queued' || r.status === 'running');

  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/">Dashboard</Link> <span aria-hidden="true">›</span> <span>{brand.name}</span>
      </nav>
      <BrandHeader key={brand.name} id={brand.id} name={brand.name} promptCount={prompts.length} />
      <p className="meta">
        Created {formatDateTime(brand.createdAt)} · {plural(prompts.length, 'prompt')}
      </p>

      <section className="card" aria-labelledby="prompts-heading">
        <h2 id="prompts-heading">Prompts</h2>
        <PromptSection
          brandId={brand.id}
          prompts={prompts.map((p) => ({
            id: p.id,
            text: p.text,
            createdLabel: formatDateTime(p.createdAt),
            editedLabel: p.editedAt ? formatDateTime(p.editedAt) : null,
          }))}
        />
      </section>

      <section className="card" aria-labelledby="reports-heading">
        <div className="title-row">
          <h2 id="reports-heading">Reports</h2>
          <RunReportButton brandId={brand.id} />
        </div>
        <p className="meta">
          A report takes stock of this brand’s prompts: how many, and what changed in the last 7 and 30 days.
        </p>
        {reports.length === 0 ? (
          <p className="empty">No reports yet.</p>
        ) : (
          <ul className="report-list">
            {reports.map((report) => (
              <li key={report.id}>
                <Link href={`/reports/${report.id}`}>Report of {formatDateTime(report.createdAt)}</Link>
                <StatusBadge status={report.status} />
              </li>
            ))}
          </ul>
        )}
        <AutoRefresh active={pending} intervalMs={1500} />
      </section>
    </>
  );
}
