/** Maps a real request path onto one of the app's route templates (`/api/brands/[id]`), or undefined. */
export function toRouteTemplate(path: string, templates: readonly string[]): string | undefined {
  const segments = splitPath(path);
  for (const template of templates) {
    const parts = splitPath(template);
    if (parts.length !== segments.length) continue;
    if (parts.every((part, i) => isDynamicSegment(part) || part === segments[i])) return template;
  }
  return undefined;
}

function splitPath(path: string): string[] {
  const withoutQuery = path.split(/[?#]/, 1)[0] ?? '';
  return withoutQuery.split('/').filter((segment) => segment.length > 0);
}

function isDynamicSegment(segment: string): boolean {
  return segment.startsWith('[') && segment.endsWith(']');
}
