// Browsers ask for /favicon.ico on their own; the app's icon is icon.svg, so send them there. The location
// is relative: the server may not know the host name the browser used.
export function GET(): Response {
  return new Response(null, { status: 308, headers: { location: '/icon.svg' } });
}
