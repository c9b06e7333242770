/**
 * Housekeeping on a timer: cancels uploads nobody completed (their parts and objects removed from
 * S3), and forgets applied event ids older than any redelivery could be.
 */
import type { Logger, Pool } from '@platform/runtime';
import type { Uploads } from './uploads';

/** Kafka keeps events 7 days by default: an id older than twice that cannot come back. */
const APPLIED_EVENTS_KEPT_DAYS = 14;

export function startSweeper(deps: {
  uploads: Uploads;
  pool: Pool;
  logger: Logger;
  intervalSeconds: number;
  graceSeconds: number;
}) {
  const log = deps.logger.child({ source: 'sweeper' });
  let running: Promise<void> | undefined;
  const sweep = async () => {
    try {
      let expired = 0;
      let batch: number;
      do {
        batch = await deps.uploads.sweepExpired(deps.graceSeconds);
        expired += batch;
      } while (batch > 0);
      if (expired > 0) log.info({ expired }, 'cancelled expired uploads');
      await deps.pool.query(
        `DELETE FROM ingestion.applied_events
          WHERE applied_at < now() - make_interval(days => $1)`,
        [APPLIED_EVENTS_KEPT_DAYS],
      );
    } catch (error) {
      log.warn({ err: error }, 'sweep failed; next attempt at the next interval');
    }
  };
  const timer = setInterval(() => {
    running ??= sweep().finally(() => (running = undefined));
  }, deps.intervalSeconds * 1000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
