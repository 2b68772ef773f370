// The report a worker computes and the web app stores and renders. The worker has its own copy of this shape
// (apps/worker/src/report.ts); `parseReportResult` is the contract check at the boundary.

/** One prompt as listed in a report. */
export interface ReportPrompt {
  id: string;
  text: string;
  createdAt: string;
  lastEditedAt: string | null;
}

/** A brand's prompt inventory at `generatedAt`. */
export interface ReportResult {
  version: 1;
  generatedAt: string;
  brand: { id: string; name: string };
  totals: {
    prompts: number;
    createdLast7Days: number;
    createdLast30Days: number;
    editedLast7Days: number;
    editedLast30Days: number;
  };
  prompts: ReportPrompt[];
}

const countKeys = ['prompts', 'createdLast7Days', 'createdLast30Days', 'editedLast7Days', 'editedLast30Days'] as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isIsoDate = (v: unknown): v is string => typeof v === 'string' && !Number.isNaN(Date.parse(v));

function isReportPrompt(v: unknown): v is ReportPrompt {
  return (
    isObject(v) &&
    typeof v.id === 'string' &&
    typeof v.text === 'string' &&
    isIsoDate(v.createdAt) &&
    (v.lastEditedAt === null || isIsoDate(v.lastEditedAt))
  );
}

/** Returns the value as a ReportResult, or null when it does not have that exact shape. */
export function parseReportResult(value: unknown): ReportResult | null {
  if (!isObject(value) || value.version !== 1 || !isIsoDate(value.generatedAt)) return null;
  const { brand, totals, prompts } = value;
  if (!isObject(brand) || typeof brand.id !== 'string' || typeof brand.name !== 'string') return null;
  if (!isObject(totals) || !countKeys.every((key) => isCount(totals[key]))) return null;
  if (!Array.isArray(prompts) || !prompts.every(isReportPrompt)) return null;
  return value as unknown as ReportResult;
}
