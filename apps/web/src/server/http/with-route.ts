import { describeError } from '@elmo/app-shared';
import { getRuntime, type WebRuntime } from '../runtime';
import { guardRequest } from './request-guard';
import { errorResponse, HttpError, json } from './responses';

/** `{ id: string }` for `/api/brands/[id]`: the dynamic segments of a route template. */
export type RouteParams<T extends string> = T extends `${string}[${infer Name}]${infer Rest}`
  ? { [K in Name | keyof RouteParams<Rest>]: string }
  : Record<never, string>;

/** A route handler with its decoded params and the process runtime. */
export type RouteHandler<T extends string> = (
  request: Request,
  params: RouteParams<T>,
  runtime: WebRuntime,
) => Promise<Response>;

/**
 * Wraps every API route handler: refuses a state-changing request another site could have sent (403, before
 * the handler runs, not reported), gives it the runtime, turns thrown HttpErrors into their JSON answer and
 * anything else into a 500 (logged once), and reports the route *template*, method, status and duration.
 */
export function withRoute<T extends string>(template: T, handler: RouteHandler<T>) {
  return async (request: Request, context: { params: Promise<RouteParams<T>> }): Promise<Response> => {
    const started = performance.now();
    let runtime: WebRuntime | undefined;
    let response: Response;
    try {
      runtime = await getRuntime();
      const refused = guardRequest(request, { allowedHosts: runtime.env.allowedHosts });
      if (refused) return refused;
      response = await handler(request, await context.params, runtime);
    } catch (error) {
      if (error instanceof HttpError) {
        response = errorResponse(error);
      } else {
        console.error(`elmo-web: ${request.method} ${template} failed: ${describeError(error)}`);
        response = json({ error: { code: 'internal', message: 'Something went wrong on the server.' } }, 500);
      }
    }
    runtime?.hooks.apiRequest(template, request.method, response.status, performance.now() - started);
    return response;
  };
}
