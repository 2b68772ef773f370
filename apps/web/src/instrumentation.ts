/** Next calls this once per server process before serving requests; requests wait for it. */
export async function register(): Promise<void> {
  // Next's documented switches (not app configuration): the database and signal handling exist only in the
  // Node.js runtime of a running server, never in the edge runtime or while `next build` collects pages.
  if (process.env.NEXT_RUNTIME !== 'nodejs' || process.env.NEXT_PHASE === 'phase-production-build') return;
  const { boot } = await import('./server/boot');
  await boot();
}
