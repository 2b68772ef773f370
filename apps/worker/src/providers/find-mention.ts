/**
 * Where an answer first names the brand: its 1-based line, compared case-insensitively; null when it does not
 * (or the brand name is blank). A plain substring match: "Acme" is found in "ACME's" and in "Acmeville" alike.
 */
export function findMention(answer: string, brand: string): number | null {
  const needle = brand.trim().toLocaleLowerCase();
  if (!needle) return null;
  const index = answer.split(/\r?\n/).findIndex((line) => line.toLocaleLowerCase().includes(needle));
  return index === -1 ? null : index + 1;
}
