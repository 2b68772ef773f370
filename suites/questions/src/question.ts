import { dedupe, type StoredEvent } from './queries.js';

/**
 * What a question reads: one event, and the properties of it the answer uses (common ones included). A column of
 * a `rows` property is named `rows[].column`: the question sees each row with its declared columns only.
 */
export interface Need {
  event: string;
  properties?: readonly string[];
  /** `$set` person properties (explicit events only). */
  personProperties?: readonly string[];
}

/** A purpose question (SPEC §11), the seeds that ask it, what it reads, and how its answer is computed. */
export interface Question<A = unknown> {
  id: string;
  text: string;
  /** The seed policies that ask it, by their number in SPEC's table, e.g. `003`. */
  seeds: readonly string[];
  needs: readonly Need[];
  /** The answer from the declared events and properties alone (see `selectNeeded`). */
  answer(events: readonly StoredEvent[]): A;
  /** The answer as Markdown lines for docs/QUESTIONS.md. */
  render(answer: A): string[];
}

const COLUMN = /^(.+)\[\]\.(.+)$/;

/** A need's property name split into the property and, for `rows[].column`, the column. */
export function splitColumn(name: string): { property: string; column?: string } {
  const match = COLUMN.exec(name);
  return match ? { property: match[1] as string, column: match[2] as string } : { property: name };
}

// The declared columns of each `rows` property a need names: row → only those columns.
function projectRows(e: StoredEvent, need: Need, into: Record<string, unknown>): void {
  const columns = new Map<string, string[]>();
  for (const name of need.properties ?? []) {
    const { property, column } = splitColumn(name);
    if (column !== undefined) columns.set(property, [...(columns.get(property) ?? []), column]);
  }
  for (const [property, kept] of columns) {
    const rows = e.properties[property];
    if (!Array.isArray(rows)) continue;
    into[property] = rows
      .filter((row): row is Record<string, unknown> => typeof row === 'object' && row !== null)
      .map((row) => Object.fromEntries(kept.filter((c) => c in row).map((c) => [c, row[c]])));
  }
}

/** Declares a question, keeping its answer's type. */
export function defineQuestion<A>(question: Question<A>): Question<A> {
  return question;
}

/**
 * What a question may see: only the events it declared, each with only the properties it declared (plus the
 * identifiers every PostHog event has), deduplicated by uuid. A question that reads anything else gets nothing,
 * so its declared needs are exactly what it uses — and those are checked against the catalog.
 */
export function selectNeeded(events: readonly StoredEvent[], needs: readonly Need[]): StoredEvent[] {
  const byEvent = new Map(needs.map((need) => [need.event, need]));
  const selected: StoredEvent[] = [];
  for (const e of dedupe(events)) {
    const need = byEvent.get(e.event);
    if (!need) continue;
    const properties: Record<string, unknown> = {};
    for (const name of need.properties ?? []) if (name in e.properties) properties[name] = e.properties[name];
    projectRows(e, need, properties);
    const set = e.properties.$set;
    if (need.personProperties?.length && set && typeof set === 'object') {
      const kept: Record<string, unknown> = {};
      for (const name of need.personProperties) {
        if (name in set) kept[name] = (set as Record<string, unknown>)[name];
      }
      properties.$set = kept;
    }
    selected.push({ event: e.event, distinctId: e.distinctId, uuid: e.uuid, timestamp: e.timestamp, properties });
  }
  return selected;
}

/** Answers a question from everything the sink received, through what it declared it needs. */
export function ask<A>(question: Question<A>, events: readonly StoredEvent[]): A {
  return question.answer(selectNeeded(events, question.needs));
}
