import type { ProviderReport } from '@elmo/app-shared';
import { callsLabel, errorClassLabel, failedKinds, providerLabel } from '../lib/provider-text';
import { Stat } from './stat';

/** One provider's results for a report: what it answered, how often it named the brand, and its failed calls. */
export function ProviderSummary({ report, brandName }: { report: ProviderReport; brandName: string }) {
  const headingId = `provider-${report.provider}-heading`;
  const kinds = failedKinds(report);
  return (
    <section className="provider" aria-labelledby={headingId}>
      <h3 id={headingId}>{providerLabel(report.provider)}</h3>
      <dl className="stats">
        <Stat label="Prompts answered" value={report.answered} />
        <Stat label={`Answers mentioning ${brandName}`} value={report.mentioned} />
        <Stat label="Prompts without an answer" value={report.failed} />
      </dl>
      <p className="meta">{callsLabel(report)}.</p>
      {kinds.length > 0 ? (
        // Words carry the failure; the colour of the box only repeats it.
        <div className={report.failed > 0 ? 'provider-errors has-unanswered' : 'provider-errors'}>
          <p className="provider-errors-title">Failed calls by class</p>
          <ul>
            {kinds.map((kind) => (
              <li key={kind}>{errorClassLabel(report, kind)}</li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}
