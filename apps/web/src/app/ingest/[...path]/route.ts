import { guardRequest } from '../../../server/http/request-guard';
import { getRuntime } from '../../../server/runtime';

export const dynamic = 'force-dynamic';

// The browser's only telemetry path: consent, allowed paths, size and headers are enforced by the handler.
// Another site's page may not post here either (403); posthog-js bodies are text/plain, so no JSON check.
async function forward(request: Request, context: { params: Promise<{ path: string[] }> }): Promise<Response> {
  const [runtime, { path }] = await Promise.all([getRuntime(), context.params]);
  const refused = guardRequest(request, { allowedHosts: runtime.env.allowedHosts, requireJson: false });
  if (refused) return refused;
  return runtime.telemetry.ingest(request, path);
}

export const GET = forward;
export const POST = forward;
