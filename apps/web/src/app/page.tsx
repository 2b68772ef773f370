import Link from 'next/link';
import { CreateBrandForm } from '../components/create-brand-form';
import { StatusBadge } from '../components/status-badge';
import { formatDateTime, plural } from '../lib/format';
import { getRuntime } from '../server/runtime';

export const dynamic = 'force-dynamic';

/** Dashboard: brands with their counts, a form to add one, and the latest reports. */
export default async function DashboardPage() {
  const { repos } = await getRuntime();
  const [brands, reports] = await Promise.all([repos.brands.list(), repos.reports.list({ limit: 10 })]);
  const promptTotal = brands.reduce((sum, brand) => sum + brand.promptCount, 0);

  return (
    <>
      <div className="title-row">
        <h1>Dashboard</h1>
        <p className="meta" data-testid="totals">
          {plural(brands.length, 'brand')} · {plural(promptTotal, 'prompt')}
        </p>
      </div>

      <section className="card" aria-labelledby="brands-heading">
        <h2 id="brands-heading">Brands</h2>
        {brands.length === 0 ? (
          <p className="empty">No brands yet. Add your first brand to start tracking its prompts.</p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Brand</th>
                <th scope="col" className="num">
                  Prompts
                </th>
                <th scope="col">Latest report</th>
              </tr>
            </thead>
            <tbody>
              {brands.map((brand) => (
                <tr key={brand.id}>
                  <td>
                    <Link href={`/brands/${brand.id}`}>{brand.name}</Link>
                  </td>
                  <td className="num">{brand.promptCount}</td>
                  <td>
                    {brand.lastReport ? (
                      <Link href={`/reports/${brand.lastReport.id}`} className="report-link">
                        <StatusBadge status={brand.lastReport.status} /> {formatDateTime(brand.lastReport.createdAt)}
                      </Link>
                    ) : (
                      <span className="muted">None yet</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <CreateBrandForm />
      </section>

      <section className="card" aria-labelledby="reports-heading">
        <h2 id="reports-heading">Recent reports</h2>
        {reports.length === 0 ? (
          <p className="empty">No reports yet. Open a brand and run its first report.</p>
        ) : (
          <ul className="report-list">
            {reports.map((report) => (
              <li key={report.id}>
                <Link href={`/reports/${report.id}`}>{report.brandName}</Link>
                <StatusBadge status={report.status} />
                <span className="muted">{formatDateTime(report.createdAt)}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
