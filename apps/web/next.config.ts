import type { NextConfig } from 'next';

// Why each option: see docs (DESIGN §7). PGlite stays external so its wasm is loaded from node_modules and never
// served as a public asset; `/ingest/e/` must reach the proxy unchanged, so no trailing-slash redirect.
const nextConfig: NextConfig = {
  serverExternalPackages: ['@electric-sql/pglite'],
  skipTrailingSlashRedirect: true,
  poweredByHeader: false,
};

export default nextConfig;
