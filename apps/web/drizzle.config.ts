import { defineConfig } from 'drizzle-kit';

// `pnpm --filter @elmo/web db:generate` writes the SQL migrations into drizzle/, which are committed and applied at start.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/server/db/schema.ts',
  out: './drizzle',
});
