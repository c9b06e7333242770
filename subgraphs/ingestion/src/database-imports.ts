/**
 * importFromDatabase (design Property 2: validate the connection before any extraction, and only
 * extract when validation succeeded). In order, and nothing is stored until every step passed:
 *
 * 1. the request's own checks (import-rules.ts): host, port, names, one read-only SELECT;
 * 2. the source (source-database.ts): it accepts the credentials within the connect timeout, its
 *    role can only read what the query reads, and the query plans in a READ ONLY transaction;
 * 3. the Dataset, the queued job and the encrypted connection in one transaction (import-store.ts).
 *
 * The job is returned at once; rows are extracted later, outside the request (import-worker.ts).
 */
import type { Logger } from '@platform/runtime';
import {
  checkConnection,
  checkQuery,
  importName,
  type DatabaseConnectionInput,
} from './import-rules';
import type { ImportStore } from './import-store';
import { describeSource, validateSource, type SourceTimeouts } from './source-database';
import type { JobRow } from './store';

export interface ImportRequest {
  connection: DatabaseConnectionInput;
  query: string;
  name?: string | null;
}

export function createDatabaseImports(deps: {
  store: ImportStore;
  timeouts: SourceTimeouts;
  logger: Logger;
  /** Called once an import is queued (the extraction worker looks for it at once). */
  onQueued?: () => void;
}) {
  const log = deps.logger.child({ source: 'database-imports' });
  return {
    async start(ownerId: string, request: ImportRequest): Promise<JobRow> {
      const connection = checkConnection(request.connection);
      const query = checkQuery(request.query);
      const name = importName(request.name, connection.database);
      await validateSource(connection, query, deps.timeouts, log);
      const job = await deps.store.queue({ ownerId, name, connection, query });
      log.info(
        { jobId: job.id, datasetId: job.dataset_id, source: describeSource(connection) },
        'queued a database import',
      );
      deps.onQueued?.();
      return job;
    },
  };
}
export type DatabaseImports = ReturnType<typeof createDatabaseImports>;
