import { getRuntime } from '../../../server/runtime';

export const dynamic = 'force-dynamic';

// The browser's only telemetry path: consent, allowed paths, size and headers are enforced by the handler.
async function forward(request: Request, context: { params: Promise<{ path: string[] }> }): Promise<Response> {
  const [runtime, { path }] = await Promise.all([getRuntime(), context.params]);
  return runtime.telemetry.ingest(request, path);
}

export const GET = forward;
export const POST = forward;
