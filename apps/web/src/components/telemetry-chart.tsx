import { HISTORY_STATUSES, type HistoryStatus, type LogHistory } from '../server/telemetry-history';

/** The words for each status; also what tells the statuses apart besides colour and pattern. */
export const HISTORY_LABEL: Record<HistoryStatus, string> = {
  sent: 'sent',
  queued: 'queued',
  local: 'kept local',
  dropped: 'dropped',
};

// Each status has a colour and a pattern of its own, so that the chart does not depend on seeing colour.
const FILL: Record<HistoryStatus, string> = {
  sent: '#2457c5',
  queued: 'url(#tc-queued)',
  local: 'url(#tc-local)',
  dropped: 'url(#tc-dropped)',
};

const WIDTH = 640;
const HEIGHT = 200;
const PAD = { top: 12, right: 8, bottom: 28, left: 40 };
const PLOT_W = WIDTH - PAD.left - PAD.right;
const PLOT_H = HEIGHT - PAD.top - PAD.bottom;

const MONTH = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `2025-12-03` → `Dec 3`, without going through a Date (and a time zone). */
export function shortDate(date: string): string {
  const [, month, day] = date.split('-').map(Number) as [number, number, number];
  return `${MONTH[month - 1]} ${day}`;
}

/** The smallest 1, 2 or 5 × 10^k at or above `value` (at least 1), so the axis has round numbers. */
export function niceMaximum(value: number): number {
  if (value <= 1) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** One sentence per period: how many events, by status, and the busiest day. */
export function describeHistory(history: LogHistory): string {
  const first = history.days[0];
  const last = history.days.at(-1);
  const period =
    first && last
      ? `the last ${history.days.length} days (${shortDate(first.date)} to ${shortDate(last.date)}, ${history.timeZone})`
      : 'this period';
  if (history.totals.all === 0) return `No events in ${period}.`;
  const parts = HISTORY_STATUSES.filter((s) => history.totals[s] > 0).map(
    (s) => `${history.totals[s]} ${HISTORY_LABEL[s]}`,
  );
  const busiest = history.days.reduce((best, day) => (day.total > best.total ? day : best));
  return `In ${period}: ${plural(history.totals.all, 'event')} (${parts.join(', ')}). Busiest day: ${shortDate(busiest.date)}, ${plural(busiest.total, 'event')}.`;
}

function Patterns() {
  return (
    <defs>
      <pattern id="tc-queued" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
        <rect width="6" height="6" fill="#eef1f5" />
        <rect width="3" height="6" fill="#5b6675" />
      </pattern>
      <pattern id="tc-local" width="6" height="6" patternUnits="userSpaceOnUse">
        <rect width="6" height="6" fill="#d5efe2" />
        <circle cx="3" cy="3" r="1.6" fill="#067647" />
      </pattern>
      <pattern id="tc-dropped" width="6" height="6" patternUnits="userSpaceOnUse">
        <rect width="6" height="6" fill="#fde4e1" />
        <path d="M0 0L6 6M6 0L0 6" stroke="#b42318" strokeWidth="1.4" />
      </pattern>
    </defs>
  );
}

/** A legend swatch: the status's colour and pattern (the patterns are defined once, in the chart). */
function Swatch({ status }: { status: HistoryStatus }) {
  return (
    <svg width="14" height="14" aria-hidden="true" focusable="false">
      <rect width="14" height="14" rx="2" fill={FILL[status]} stroke="#1c2430" strokeWidth="0.5" />
    </svg>
  );
}

/**
 * The settings page's picture of what was sent: the deployment's local log over the last days as stacked bars
 * per day (sent, queued, kept local, dropped), rendered on the server as plain SVG, with a text summary and
 * the counts per event name for anyone who does not see the chart.
 */
export function TelemetryChart({ history }: { history: LogHistory }) {
  const max = niceMaximum(Math.max(0, ...history.days.map((d) => d.total)));
  const slot = PLOT_W / Math.max(1, history.days.length);
  const barWidth = Math.min(28, slot * 0.62);
  const y = (value: number) => PAD.top + PLOT_H - (value / max) * PLOT_H;
  const summary = describeHistory(history);
  const lastIndex = history.days.length - 1;
  return (
    <figure className="telemetry-chart" data-testid="telemetry-chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-labelledby="telemetry-chart-title telemetry-chart-desc"
        focusable="false"
      >
        <title id="telemetry-chart-title">{`Events per day, last ${history.days.length} days, by status`}</title>
        <desc id="telemetry-chart-desc">{summary}</desc>
        <Patterns />
        {[0, max / 2, max].map((tick) => (
          <g key={tick} className="axis">
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(tick)} y2={y(tick)} stroke="#dde2e8" />
            <text x={PAD.left - 6} y={y(tick) + 4} textAnchor="end" fontSize="11" fill="#5b6675">
              {Number.isInteger(tick) ? tick : tick.toFixed(1)}
            </text>
          </g>
        ))}
        {history.days.map((day, index) => {
          const x = PAD.left + index * slot + (slot - barWidth) / 2;
          let stacked = 0;
          return (
            <g key={day.date} data-date={day.date} data-total={day.total}>
              {HISTORY_STATUSES.filter((status) => day.counts[status] > 0).map((status) => {
                const top = y(stacked + day.counts[status]);
                const height = y(stacked) - top;
                stacked += day.counts[status];
                return (
                  <rect
                    key={status}
                    x={x}
                    y={top}
                    width={barWidth}
                    height={height}
                    fill={FILL[status]}
                    stroke="#ffffff"
                    strokeWidth="0.75"
                    data-status={status}
                  >
                    <title>{`${shortDate(day.date)}: ${day.counts[status]} ${HISTORY_LABEL[status]}`}</title>
                  </rect>
                );
              })}
              {/* Every other day is labelled, counting back from today so that today always is. */}
              {(lastIndex - index) % 2 === 0 ? (
                <text x={x + barWidth / 2} y={HEIGHT - 10} textAnchor="middle" fontSize="11" fill="#5b6675">
                  {index === lastIndex ? 'today' : shortDate(day.date)}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <ul className="chart-legend" aria-label="Statuses">
          {HISTORY_STATUSES.map((status) => (
            <li key={status}>
              <Swatch status={status} /> {HISTORY_LABEL[status]}
            </li>
          ))}
        </ul>
        <p data-testid="telemetry-history-summary">{summary}</p>
      </figcaption>
      {history.events.length > 0 ? (
        <details>
          <summary>Counts by event, last {history.days.length} days</summary>
          <table className="events" data-testid="telemetry-history-events">
            <thead>
              <tr>
                <th scope="col">Event</th>
                {HISTORY_STATUSES.map((status) => (
                  <th scope="col" key={status} className="num">
                    {HISTORY_LABEL[status]}
                  </th>
                ))}
                <th scope="col" className="num">
                  total
                </th>
              </tr>
            </thead>
            <tbody>
              {history.events.map((row) => (
                <tr key={row.event}>
                  <th scope="row">
                    <code>{row.event}</code>
                  </th>
                  {HISTORY_STATUSES.map((status) => (
                    <td key={status} className="num">
                      {row.counts[status]}
                    </td>
                  ))}
                  <td className="num">{row.total}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ) : null}
    </figure>
  );
}
