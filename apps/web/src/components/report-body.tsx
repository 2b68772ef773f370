import type { ReportResult, StoredReportResult } from '@elmo/app-shared';
import { formatDateTime } from '../lib/format';
import { ProviderAnswersTable } from './provider-answers-table';
import { ProviderSummary } from './provider-summary';
import { Stat } from './stat';

function Summary({ result }: { result: StoredReportResult }) {
  const { totals } = result;
  return (
    <section className="card" aria-labelledby="summary-heading">
      <h2 id="summary-heading">Summary</h2>
      <dl className="stats">
        <Stat label="Prompts" value={totals.prompts} />
        <Stat label="Created in the last 7 days" value={totals.createdLast7Days} />
        <Stat label="Created in the last 30 days" value={totals.createdLast30Days} />
        <Stat label="Edited in the last 7 days" value={totals.editedLast7Days} />
        <Stat label="Edited in the last 30 days" value={totals.editedLast30Days} />
      </dl>
      <p className="meta">Computed by the worker at {formatDateTime(result.generatedAt)}.</p>
    </section>
  );
}

function Providers({ result }: { result: ReportResult }) {
  const brandName = result.brand.name;
  return (
    <section className="card" aria-labelledby="providers-heading">
      <h2 id="providers-heading">Providers</h2>
      {result.providers.length === 0 ? (
        <p className="empty">No provider was asked for this report.</p>
      ) : (
        <>
          {result.providers.map((report) => (
            <ProviderSummary key={report.provider} report={report} brandName={brandName} />
          ))}
          {result.prompts.length > 0 ? (
            <ProviderAnswersTable prompts={result.prompts} providers={result.providers} brandName={brandName} />
          ) : null}
        </>
      )}
    </section>
  );
}

// Reports stored before providers existed are still shown; saying why their section is missing keeps a reader
// from taking it for a failure.
function NoProvidersYet() {
  return (
    <section className="card" aria-labelledby="providers-heading">
      <h2 id="providers-heading">Providers</h2>
      <p className="empty">
        Provider results did not exist when this report ran. Run the report again to see what each provider says.
      </p>
    </section>
  );
}

function Inventory({ result }: { result: StoredReportResult }) {
  return (
    <section className="card" aria-labelledby="inventory-heading">
      <h2 id="inventory-heading">Prompt inventory</h2>
      {result.prompts.length === 0 ? (
        <p className="empty">This brand had no prompts when the report ran.</p>
      ) : (
        <table className="table inventory">
          <thead>
            <tr>
              <th scope="col">Prompt</th>
              <th scope="col">Created</th>
              <th scope="col">Last edited</th>
            </tr>
          </thead>
          <tbody>
            {result.prompts.map((prompt) => (
              <tr key={prompt.id}>
                <td className="prompt-cell">{prompt.text}</td>
                <td className="nowrap">{formatDateTime(prompt.createdAt)}</td>
                <td className="nowrap">{prompt.lastEditedAt ? formatDateTime(prompt.lastEditedAt) : 'Never'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** A finished report: its summary, each provider's results (version 2) and the prompt inventory. */
export function ReportBody({ result }: { result: StoredReportResult }) {
  return (
    <>
      <Summary result={result} />
      {result.version === 2 ? <Providers result={result} /> : <NoProvidersYet />}
      <Inventory result={result} />
    </>
  );
}
