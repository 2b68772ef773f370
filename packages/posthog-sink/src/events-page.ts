import type { ReceivedEvent } from './capture.js';

/** Escapes text for HTML element content and quoted attributes. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Renders the demo page: received events newest first, refreshing itself every two seconds. */
export function renderEventsPage(events: readonly ReceivedEvent[], modeDescription: string): string {
  const rows = [...events]
    .reverse()
    .map(
      (event) => `<tr>
<td>${escapeHtml(new Date(event.receivedAt).toISOString())}</td>
<td><strong>${escapeHtml(event.event)}</strong></td>
<td>${escapeHtml(event.distinctId)}</td>
<td><details><summary>${Object.keys(event.properties).length} properties</summary><pre>${escapeHtml(
        JSON.stringify(event.properties, null, 2),
      )}</pre></details></td>
</tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="2">
<title>PostHog sink (${events.length} events)</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 2rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .4rem .6rem; border-bottom: 1px solid #ddd; }
pre { margin: .4rem 0 0; white-space: pre-wrap; word-break: break-all; }
</style>
</head>
<body>
<h1>PostHog sink</h1>
<p>${events.length} events received; mode: ${escapeHtml(modeDescription)}. Nothing here leaves this machine.</p>
<table>
<thead><tr><th>Received</th><th>Event</th><th>Distinct id</th><th>Properties</th></tr></thead>
<tbody>
${rows || '<tr><td colspan="4">No events yet.</td></tr>'}
</tbody>
</table>
</body>
</html>
`;
}
