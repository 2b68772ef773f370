import { json } from '../../../server/http/responses';
import { withRoute } from '../../../server/http/with-route';

export const dynamic = 'force-dynamic';

/** 200 once the server is up and its database migrated (requests wait for start-up): for `elmo start` and tests. */
export const GET = withRoute('/api/health', async (_request, _params, { database }) => {
  return json({ status: 'ok', database: database.mode });
});
