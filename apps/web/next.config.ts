import type { NextConfig } from 'next';

// Why each option: see docs (DESIGN §7). PGlite stays external so its wasm is loaded from node_modules and never
// served as a public asset; `/ingest/e/` must reach the proxy unchanged, so no trailing-slash redirect.
const nextConfig: NextConfig = {
  // Telemetry packages run as plain Node modules: the detached sender and posthog-node must not be bundled.
  serverExternalPackages: ['@electric-sql/pglite', '@elmo/telemetry-core', '@elmo/elmo-telemetry', 'posthog-node'],
  skipTrailingSlashRedirect: true,
  poweredByHeader: false,
};

export default nextConfig;
