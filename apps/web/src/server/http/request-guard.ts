import { errorResponse, HttpError } from './responses';

// No web page may change this app's state (SPEC §3) or read it: a page the user visits can make the browser send a
// "simple" cross-site POST (text/plain fetch, an HTML form, sendBeacon) with no CORS preflight, or reach us
// under its own host name through DNS rebinding, where the same-origin policy lets it read every answer. Every
// request therefore needs an allowed Host (src/proxy.ts checks it for pages too), and state-changing ones have to
// prove that they come from the app itself: no foreign Origin or Sec-Fetch-Site, and a JSON body (which a
// browser sends cross-origin only after a preflight we never grant). Non-browser clients (the worker, curl)
// send neither Origin nor Sec-Fetch-Site and pass with the right Host and Content-Type.

/** Which check refused a request. */
export type RefusedCheck = 'host' | 'origin' | 'sec-fetch-site' | 'content-type';

/** Why a request was refused: the check and one sentence for the caller. */
export interface RequestRefusal {
  check: RefusedCheck;
  message: string;
}

/** What the guard needs to know. */
export interface RequestGuardOptions {
  /** Host names (optionally `name:port`) this server answers to; a name without a port allows any port. */
  allowedHosts: readonly string[];
  /** Require `Content-Type: application/json` (default true); `/ingest` takes posthog-js's text/plain bodies. */
  requireJson?: boolean;
}

const MESSAGES: Record<RefusedCheck, string> = {
  host: 'This request was refused because its Host header is not a host name this Elmo server answers to (add it to ELMO_ALLOWED_HOSTS if it should be).',
  origin: 'This request was refused because it comes from a web page of another origin than this Elmo server.',
  'sec-fetch-site':
    'This request was refused because the browser marked it as not same-origin (Sec-Fetch-Site), so another site sent it.',
  'content-type': 'This request was refused because a state-changing request must send Content-Type: application/json.',
};

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** True for every method but GET, HEAD and OPTIONS. */
export function isStateChanging(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

// A bracketed IPv6 literal or a DNS name / IPv4 address, then an optional port. Anything else (user info,
// paths, spaces) is not a Host value we accept, so URL parsing can never be tricked into another host name.
const HOST_PATTERN = /^(\[[0-9a-f:.]+\]|[a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_])?)(?::(\d{1,5}))?$/i;

interface HostAndPort {
  name: string;
  port: string | null;
}

/** Splits a `Host`-style value (`name`, `name:port`, `[v6]:port`) into its canonical name and its port. */
export function parseHost(value: string): HostAndPort | null {
  const match = HOST_PATTERN.exec(value.trim());
  if (!match?.[1]) return null;
  const port = match[2] === undefined ? null : Number(match[2]);
  if (port !== null && port > 65535) return null;
  try {
    // The pattern already ruled out anything but a host; URL only canonicalises it (case, IPv6 and IPv4 forms).
    return { name: new URL(`http://${match[1]}`).hostname, port: port === null ? null : String(port) };
  } catch {
    return null;
  }
}

function isAllowedHost(host: HostAndPort, allowedHosts: readonly string[]): boolean {
  return allowedHosts.some((entry) => {
    const allowed = parseHost(entry);
    return allowed !== null && allowed.name === host.name && (allowed.port === null || allowed.port === host.port);
  });
}

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

/** Whether `origin` is this server's own origin: same host name and port as the request's Host. */
function isOwnOrigin(origin: string, host: HostAndPort): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // Includes the opaque origin "null" (sandboxed frames, data: URLs, some redirects).
  }
  const defaultPort = DEFAULT_PORTS[url.protocol];
  // An Origin is a bare scheme://host[:port]; anything more is not one a browser sends.
  const bare = url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
  if (!defaultPort || !bare) return false;
  return url.hostname === host.name && (url.port || defaultPort) === (host.port ?? defaultPort);
}

/** The media type of a Content-Type value, lower-cased, without parameters such as `charset`. */
function mediaType(contentType: string | null): string | null {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  return type ? type : null;
}

// Every HTTP/1.1 request has a Host; in-process callers without one are judged by the URL they were sent to.
function requestHost(request: Request): HostAndPort | null {
  return parseHost(request.headers.get('host') ?? new URL(request.url).host);
}

/** Whether `request` is addressed to a host this server answers to (the DNS-rebinding check, for every method). */
export function hasAllowedHost(request: Request, allowedHosts: readonly string[]): boolean {
  const host = requestHost(request);
  return host !== null && isAllowedHost(host, allowedHosts);
}

/**
 * Decides whether `request` may go on: null when it may, else the first check it failed. Every request needs an
 * allowed Host; one whose method changes nothing needs no more. Pure: it reads only the method and headers.
 */
export function checkRequest(request: Request, options: RequestGuardOptions): RequestRefusal | null {
  const refuse = (check: RefusedCheck): RequestRefusal => ({ check, message: MESSAGES[check] });
  const host = requestHost(request);
  if (!host || !isAllowedHost(host, options.allowedHosts)) return refuse('host');
  if (!isStateChanging(request.method)) return null;

  const origin = request.headers.get('origin');
  if (origin !== null && !isOwnOrigin(origin, host)) return refuse('origin');

  const site = request.headers.get('sec-fetch-site');
  if (site !== null && site.trim().toLowerCase() !== 'same-origin') return refuse('sec-fetch-site');

  if ((options.requireJson ?? true) && mediaType(request.headers.get('content-type')) !== 'application/json') {
    return refuse('content-type');
  }
  return null;
}

/** The 403 answer for a request addressed to a host this server does not answer to, or null. */
export function foreignHostResponse(request: Request, allowedHosts: readonly string[]): Response | null {
  if (hasAllowedHost(request, allowedHosts)) return null;
  return errorResponse(new HttpError(403, 'forbidden', MESSAGES.host));
}

/** The 403 answer for a request that may not go on, or null when it may go on to its handler. */
export function guardRequest(request: Request, options: RequestGuardOptions): Response | null {
  const refusal = checkRequest(request, options);
  return refusal ? errorResponse(new HttpError(403, 'forbidden', refusal.message)) : null;
}
