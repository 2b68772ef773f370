// The contract between the web app, which owns the database and the report jobs, and the worker, which computes
// the reports: what a claimed job carries and what a report is. Both import it from here (this small private
// package sits below both apps and beside the telemetry packages, DESIGN §1), so the two sides cannot drift; each
// checks what crosses the wire on arrival: the worker with `parseClaimedJob`, the web app with `parseReportResult`.

import { PROVIDER_ERROR_KINDS, PROVIDERS, type Provider, type ProviderErrorKind } from '@elmo/elmo-telemetry';

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

/** How one provider call failed: its class (SPEC §12) and the HTTP status when there was one; never a message. */
export interface ProviderFailure {
  kind: ProviderErrorKind;
  status: number | null;
}

/** One prompt asked of one provider: whether the brand was mentioned, where, or why there is no answer. */
export interface ProviderAnswer {
  promptId: string;
  mentioned: boolean;
  /** 1-based line of the answer where the brand is first named; null when not mentioned or failed. */
  position: number | null;
  error: ProviderFailure | null;
}

/** Failed calls by class, retries included. */
export type ProviderErrorCounts = Record<ProviderErrorKind, number>;

/** What one provider said about the brand's prompts. */
export interface ProviderReport {
  provider: Provider;
  /** Prompts answered, prompts whose answer mentions the brand, prompts left without an answer. */
  answered: number;
  mentioned: number;
  failed: number;
  /** Calls made (retries included) and those that failed, by class: a retried error is still shown. */
  calls: number;
  errors: ProviderErrorCounts;
  answers: ProviderAnswer[];
}

/**
 * A brand's report at `generatedAt` (version 2): its prompt inventory and, per configured provider, whether each
 * prompt's answer mentions the brand. Computed by the worker, stored and shown by the web app.
 */
export interface ReportResult {
  version: 2;
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
  providers: ProviderReport[];
}

/** A report stored before providers existed (version 1): still shown, never produced. */
export type ReportResultV1 = Omit<ReportResult, 'version' | 'providers'> & { version: 1 };

/** Any report the database may hold. */
export type StoredReportResult = ReportResult | ReportResultV1;

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

const isPosition = (v: unknown): boolean => v === null || (isCount(v) && v >= 1);
const isStatus = (v: unknown): boolean => v === null || (isCount(v) && v >= 100 && v <= 599);

function isProviderFailure(v: unknown): v is ProviderFailure {
  return isObject(v) && (PROVIDER_ERROR_KINDS as readonly unknown[]).includes(v.kind) && isStatus(v.status ?? null);
}

function isProviderAnswer(v: unknown): v is ProviderAnswer {
  return (
    isObject(v) &&
    typeof v.promptId === 'string' &&
    typeof v.mentioned === 'boolean' &&
    isPosition(v.position) &&
    (v.error === null || isProviderFailure(v.error))
  );
}

function isProviderReport(v: unknown): v is ProviderReport {
  return (
    isObject(v) &&
    (PROVIDERS as readonly unknown[]).includes(v.provider) &&
    isCount(v.answered) &&
    isCount(v.mentioned) &&
    isCount(v.failed) &&
    isCount(v.calls) &&
    isObject(v.errors) &&
    PROVIDER_ERROR_KINDS.every((kind) => isCount((v.errors as Record<string, unknown>)[kind])) &&
    Array.isArray(v.answers) &&
    v.answers.every(isProviderAnswer)
  );
}

/** Returns the value as a (version 2) ReportResult, or null when it does not have that exact shape. */
export function parseReportResult(value: unknown): ReportResult | null {
  if (!isObject(value) || value.version !== 2 || !isIsoDate(value.generatedAt)) return null;
  const { brand, totals, prompts, providers } = value;
  if (!isBrand(brand)) return null;
  if (!isObject(totals) || !countKeys.every((key) => isCount(totals[key]))) return null;
  if (!Array.isArray(prompts) || !prompts.every(isReportPrompt)) return null;
  if (!Array.isArray(providers) || !providers.every(isProviderReport)) return null;
  return value as unknown as ReportResult;
}

/** Returns the value as a ClaimedJob, or null when it does not have that shape. */
export function parseClaimedJob(value: unknown): ClaimedJob | null {
  if (!isObject(value) || typeof value.id !== 'string') return null;
  if (typeof value.attempts !== 'number' || typeof value.maxAttempts !== 'number') return null;
  if (!isBrand(value.brand) || !Array.isArray(value.prompts) || !value.prompts.every(isInventoryPrompt)) return null;
  return value as unknown as ClaimedJob;
}
