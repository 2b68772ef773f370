// How the forms call the JSON API: one place that turns any answer into data or a sentence to show.

/** The outcome of an API call: the JSON body, or a message (and field) for the person using the form. */
export type ApiResult<T> = { ok: true; data: T } | { ok: false; message: string; field?: string };

/**
 * Calls an API route with an optional JSON body. Every state-changing call says `application/json`, even a
 * DELETE without a body: the server refuses any other such request as one another site could have sent.
 */
export async function callApi<T = unknown>(
  path: string,
  options: { method?: string; body?: unknown } = {},
): Promise<ApiResult<T>> {
  const method = (options.method ?? 'GET').toUpperCase();
  const changesState = !['GET', 'HEAD', 'OPTIONS'].includes(method);
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: changesState || options.body !== undefined ? { 'content-type': 'application/json' } : undefined,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch {
    return { ok: false, message: 'Could not reach the Elmo server. Is it still running?' };
  }
  const body = response.status === 204 ? null : await response.json().catch(() => null);
  if (response.ok) return { ok: true, data: body as T };
  const error = body?.error;
  return {
    ok: false,
    message: typeof error?.message === 'string' ? error.message : `The server answered ${response.status}.`,
    field: typeof error?.field === 'string' ? error.field : undefined,
  };
}
