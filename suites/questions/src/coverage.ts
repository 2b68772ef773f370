import { type Need, type Question, splitColumn } from './question.js';

/** The parts of a catalog (telemetry-core's `defineCatalog`) the coverage checks read. */
export interface CatalogShape {
  common: Readonly<Record<string, unknown>>;
  /** By name, in declaration order. */
  events: Readonly<
    Record<
      string,
      {
        name: string;
        question: string;
        properties: Readonly<Record<string, unknown>>;
        personProperties?: Readonly<Record<string, unknown>>;
      }
    >
  >;
}

const eventsOf = (catalog: CatalogShape) => Object.values(catalog.events);

/** Why each need of each question cannot be met by the catalog; empty when every question can be answered. */
export function unanswerable(questions: readonly Question<unknown>[], catalog: CatalogShape): string[] {
  const problems: string[] = [];
  const events = new Map(eventsOf(catalog).map((e) => [e.name, e]));
  const check = (question: Question<unknown>, need: Need) => {
    const event = events.get(need.event);
    if (!event) return problems.push(`${question.id}: the catalog has no event \`${need.event}\``);
    for (const name of need.properties ?? []) {
      const { property, column } = splitColumn(name);
      if (column !== undefined) {
        const spec = event.properties[property] as { columns?: Readonly<Record<string, unknown>> } | undefined;
        if (!spec?.columns || !(column in spec.columns))
          problems.push(`${question.id}: \`${need.event}\` has no rows column \`${name}\` in the catalog`);
      } else if (!(name in event.properties) && !(name in catalog.common)) {
        problems.push(`${question.id}: \`${need.event}\` has no property \`${name}\` in the catalog`);
      }
    }
    for (const name of need.personProperties ?? []) {
      if (!(name in (event.personProperties ?? {}))) {
        problems.push(`${question.id}: \`${need.event}\` may not set the person property \`${name}\``);
      }
    }
  };
  for (const question of questions) {
    if (question.needs.length === 0) problems.push(`${question.id}: reads no event`);
    for (const need of question.needs) check(question, need);
  }
  return problems;
}

/** Catalog events that no question reads and that are not listed (with a reason) in `unasked`. */
export function unusedEvents(
  questions: readonly Question<unknown>[],
  catalog: CatalogShape,
  unasked: Readonly<Record<string, string>>,
): string[] {
  const used = new Set(questions.flatMap((q) => q.needs.map((n) => n.event)));
  return eventsOf(catalog)
    .map((e) => e.name)
    .filter((name) => !used.has(name) && !(name in unasked))
    .map(
      (name) => `\`${name}\` is in the catalog but no question needs it (give it a question, or list it with a reason)`,
    );
}

/** Event properties (not the common ones) that no question reads: reported in docs/QUESTIONS.md, not a failure. */
export function unreadProperties(questions: readonly Question<unknown>[], catalog: CatalogShape): string[] {
  const read = new Set(
    questions.flatMap((q) =>
      q.needs.flatMap((n) => (n.properties ?? []).map((p) => `${n.event}.${splitColumn(p).property}`)),
    ),
  );
  return eventsOf(catalog).flatMap((e) =>
    Object.keys(e.properties)
      .filter((p) => !read.has(`${e.name}.${p}`))
      .map((p) => `${e.name}.${p}`),
  );
}

/** Which questions read each catalog event, in catalog order. */
export function questionsByEvent(
  questions: readonly Question<unknown>[],
  catalog: CatalogShape,
): Record<string, string[]> {
  return Object.fromEntries(
    eventsOf(catalog).map((e) => [
      e.name,
      questions.filter((q) => q.needs.some((n) => n.event === e.name)).map((q) => q.id),
    ]),
  );
}
