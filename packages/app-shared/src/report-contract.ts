// The contract between the web app, which owns the database and the report jobs, and the worker, which computes
// the reports: what a claimed job carries and what a report is. Both import it from here (this small private
// package sits below both apps and beside the telemetry packages, DESIGN §1), so the two sides cannot drift; each
// checks what crosses the wire on arrival: the worker with `parseClaimedJob`, the web app with `parseReportResult`.

/** One prompt of a brand's inventory, as a claimed job carries it. */
export interface InventoryPrompt {
  id: string;
  text: string;
  createdAt: string;
  editedAt: string | null;
}

/** A report job as the web app hands it to the worker that claimed it: the brand's inventory to report on. */
export interface ClaimedJob {
  id: string;
  attempts: number;
  maxAttempts: number;
  brand: { id: string; name: string };
  prompts: InventoryPrompt[];
}

/** One prompt as listed in a report. */
export interface ReportPrompt {
  id: string;
  text: string;
  createdAt: string;
  lastEditedAt: string | null;
}

/** A brand's prompt inventory at `generatedAt` (version 1): computed by the worker, stored and shown by the web app. */
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
const isBrand = (v: unknown): v is { id: string; name: string } =>
  isObject(v) && typeof v.id === 'string' && typeof v.name === 'string';

function isReportPrompt(v: unknown): v is ReportPrompt {
  return (
    isObject(v) &&
    typeof v.id === 'string' &&
    typeof v.text === 'string' &&
    isIsoDate(v.createdAt) &&
    (v.lastEditedAt === null || isIsoDate(v.lastEditedAt))
  );
}

function isInventoryPrompt(v: unknown): v is InventoryPrompt {
  return (
    isObject(v) &&
    typeof v.id === 'string' &&
    typeof v.text === 'string' &&
    typeof v.createdAt === 'string' &&
    (v.editedAt === null || typeof v.editedAt === 'string')
  );
}

/** Returns the value as a ReportResult, or null when it does not have that exact shape. */
export function parseReportResult(value: unknown): ReportResult | null {
  if (!isObject(value) || value.version !== 1 || !isIsoDate(value.generatedAt)) return null;
  const { brand, totals, prompts } = value;
  if (!isBrand(brand)) return null;
  if (!isObject(totals) || !countKeys.every((key) => isCount(totals[key]))) return null;
  if (!Array.isArray(prompts) || !prompts.every(isReportPrompt)) return null;
  return value as unknown as ReportResult;
}

/** Returns the value as a ClaimedJob, or null when it does not have that shape. */
export function parseClaimedJob(value: unknown): ClaimedJob | null {
  if (!isObject(value) || typeof value.id !== 'string') return null;
  if (typeof value.attempts !== 'number' || typeof value.maxAttempts !== 'number') return null;
  if (!isBrand(value.brand) || !Array.isArray(value.prompts) || !value.prompts.every(isInventoryPrompt)) return null;
  return value as unknown as ClaimedJob;
}
