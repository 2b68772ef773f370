/**
 * Ephemeral identity (seed 000): a fresh random UUID for every event and nothing stored, so that no two events
 * can be linked. Pass it as `identity` to createTelemetry instead of a persistent id.
 */
export function ephemeralIdentity(uuid: () => string = () => crypto.randomUUID()): () => string {
  return uuid;
}
