import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { listenOnLoopback } from '@elmo/test-support';
import ts from 'typescript';
import type { BrowserTelemetryOptions } from '../../src/browser/index.js';

/** One request the page's posthog-js made to `/ingest`, exactly as it arrived. */
export interface CapturedRequest {
  method: string;
  /** The path below `/ingest`, e.g. `/e/`. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A loopback server with a page that runs the core's real posthog-js initialiser against its own `/ingest`. */
export interface PostHogJsPage {
  url: string;
  requests: CapturedRequest[];
  close(): Promise<void>;
}

const require = createRequire(import.meta.url);
const INITIALISER = fileURLToPath(new URL('../../src/browser/index.ts', import.meta.url));

// The browser layer as the page gets it: compiled from source (it imports only types), so no build is needed.
function initialiserModule(): string {
  const source = readFileSync(INITIALISER, 'utf8');
  const options = { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true };
  return ts.transpileModule(source, { compilerOptions: options }).outputText;
}

/** What the page does: initialise with `options` (the page's own `/ingest` as API host), then report `pageviews`. */
export interface PageSetup {
  options: Omit<BrowserTelemetryOptions, 'load' | 'apiHost' | 'enabled'>;
  pageviews: readonly string[];
  /**
   * posthog-js settings laid over the initialiser's own (e.g. `disable_compression`), to make the real library
   * produce the other encodings it can send; the initialiser's settings are used as they are without it.
   */
  configPatch?: Record<string, unknown>;
}

function pageHtml(setup: PageSetup): string {
  // The import map lets the initialiser's own `import('posthog-js')` load the real ES module bundle.
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>posthog-js capture</title>
<script type="importmap">${JSON.stringify({ imports: { 'posthog-js': '/assets/posthog-js.js' } })}</script>
</head><body><h1>capture</h1>
<script type="module">
import { initBrowserTelemetry } from '/assets/telemetry-browser.js';
const patch = ${JSON.stringify(setup.configPatch ?? null)};
let load;
if (patch) {
  const { posthog } = await import('posthog-js');
  const init = posthog.init;
  posthog.init = function (token, config) {
    return init.call(this, token, { ...config, ...patch });
  };
  load = async () => posthog;
}
const telemetry = await initBrowserTelemetry({ ...${JSON.stringify(setup.options)}, enabled: true, apiHost: '/ingest', load });
for (const template of ${JSON.stringify(setup.pageviews)}) telemetry?.pageview(template);
document.documentElement.dataset.analytics = telemetry ? 'on' : 'off';
</script></body></html>`;
}

/**
 * Serves a page that initialises posthog-js through `initBrowserTelemetry` with `options` and reports the
 * given page views; every request to `/ingest/*` is recorded with its raw bytes, headers and query and answered
 * as PostHog would (404 for remote config, `200 {"status":1}` otherwise).
 */
export async function startPostHogJsPage(setup: PageSetup): Promise<PostHogJsPage> {
  const assets: Record<string, () => string> = {
    '/assets/posthog-js.js': () => readFileSync(require.resolve('posthog-js/dist/module.js'), 'utf8'),
    '/assets/telemetry-browser.js': initialiserModule,
  };
  const requests: CapturedRequest[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (url.pathname === '/') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(pageHtml(setup));
        return;
      }
      const asset = assets[url.pathname];
      if (asset) {
        res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
        res.end(asset());
        return;
      }
      if (!url.pathname.startsWith('/ingest/')) {
        res.writeHead(404).end();
        return;
      }
      const path = url.pathname.slice('/ingest'.length);
      requests.push({
        method: req.method ?? '',
        path,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks),
      });
      if (req.method === 'GET' && path.endsWith('/config')) {
        res.writeHead(404).end('not found');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":1}');
    });
  });
  const { url, close } = await listenOnLoopback(server);
  return { url, requests, close };
}
