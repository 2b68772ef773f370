import { type NextRequest, NextResponse } from 'next/server';
import { readWebEnv } from './server/env';
import { foreignHostResponse } from './server/http/request-guard';

// Runs before every page and route. Through DNS rebinding, a site the user visits can reach this app under its
// own host name and read whatever it serves (brands, prompts, reports, settings): a request addressed to a host
// this server does not answer to is refused before anything renders. API routes check it again (with-route.ts).
const hosts = readWebEnv().allowedHosts;

export function proxy(request: NextRequest): Response {
  return foreignHostResponse(request, hosts) ?? NextResponse.next();
}

// Everything but /ingest/…: with a proxy in front, Next makes every request body cloneable so the proxy could read
// it, which made posthog-js's small posts cost a fifth more than a GET. The /ingest route refuses a foreign host
// itself (guardRequest, the same check and the same 403) before it reads anything.
export const config = { matcher: ['/((?!ingest/).*)'] };
