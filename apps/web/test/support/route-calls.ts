// Calls a Next route handler in-process, the way the app's own pages call it (JSON, same origin).

/** A route module's exported handler, as Next calls it. */
export type RouteHandler = (request: Request, context: { params: Promise<unknown> }) => Promise<Response>;

/** One in-process call: a JSON `body` or a `raw` one, the route's params, a worker token, extra headers. */
export interface RouteCall {
  body?: unknown;
  raw?: string;
  params?: Record<string, string | string[]>;
  token?: string;
  query?: string;
  /** Win over the defaults (`content-type: application/json`); an undefined value removes a header. */
  headers?: Record<string, string | undefined>;
  /** Default `http://127.0.0.1/api/x`: the path does not matter to a handler called directly. */
  url?: string;
}

/** The Request a call sends; a body-less call still says JSON, as the app's api-client does. */
export function routeRequest(method: string, options: RouteCall = {}): Request {
  const headers = new Headers({ 'content-type': 'application/json' });
  if (options.token) headers.set('authorization', `Bearer ${options.token}`);
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value === undefined) headers.delete(name);
    else headers.set(name, value);
  }
  const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const url = `${options.url ?? 'http://127.0.0.1/api/x'}${options.query ?? ''}`;
  return new Request(url, { method, body, headers });
}

/** Calls `handler` with the request of `options`; answers the status and the JSON body (null for 204). */
export async function callRoute(handler: unknown, method: string, options: RouteCall = {}) {
  const response = await (handler as RouteHandler)(routeRequest(method, options), {
    params: Promise.resolve(options.params ?? {}),
  });
  return { status: response.status, body: response.status === 204 ? null : await response.json() };
}
