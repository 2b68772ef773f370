/** What a request path is for: capture routes carry events and obey the sink's mode; the rest never fail. */
export type RouteKind =
  | 'capture'
  | 'recording'
  | 'flags'
  | 'remote-config'
  | 'events-page'
  | 'api-events'
  | 'api-mode'
  | 'not-found';

const CAPTURE_PATHS = new Set(['/batch', '/e', '/i/v0/e', '/capture', '/track', '/engage']);

/** Classifies a pathname; trailing slashes do not matter and the query string is not part of it. */
export function matchRoute(pathname: string): RouteKind {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  if (CAPTURE_PATHS.has(path)) return 'capture';
  if (path === '/s') return 'recording';
  if (path === '/flags' || path === '/decide') return 'flags';
  if (/^\/array\/[^/]+\/config(\.js)?$/.test(path)) return 'remote-config';
  if (path === '/') return 'events-page';
  if (path === '/api/events') return 'api-events';
  if (path === '/api/mode') return 'api-mode';
  return 'not-found';
}

/** The sink's own page and API are not PostHog traffic, so they are not recorded as requests. */
export function isOwnRoute(kind: RouteKind): boolean {
  return kind === 'events-page' || kind === 'api-events' || kind === 'api-mode';
}
