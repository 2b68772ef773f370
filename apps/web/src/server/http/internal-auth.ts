import { timingSafeEqual } from 'node:crypto';
import type { WebEnv } from '../env';
import { HttpError } from './responses';

/** Throws 401 unless the request carries `Authorization: Bearer <ELMO_INTERNAL_TOKEN>`; no token set refuses all. */
export function requireInternalToken(request: Request, env: WebEnv): void {
  const header = request.headers.get('authorization') ?? '';
  const presented = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
  const expected = Buffer.from(env.internalToken ?? '');
  const ok = expected.length > 0 && presented.length === expected.length && timingSafeEqual(presented, expected);
  if (!ok) throw new HttpError(401, 'unauthorized', 'A valid worker token is required.');
}
