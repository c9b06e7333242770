/**
 * Graceful shutdown: on SIGTERM or SIGINT, run the registered steps in registration order (register
 * the server first so it stops accepting, then consumers, producers, pools), each bounded by the
 * overall timeout; then exit. A second signal exits at once.
 */
import type { Logger } from './logger';

export interface Shutdown {
  add(name: string, step: () => Promise<unknown> | unknown): void;
  run(reason: string): Promise<void>;
}

export function createShutdown(
  logger: Logger,
  timeoutMs: number,
  { exit = true, signals = true }: { exit?: boolean; signals?: boolean } = {},
): Shutdown {
  const steps: { name: string; step: () => Promise<unknown> | unknown }[] = [];
  let running: Promise<void> | undefined;

  const run = (reason: string): Promise<void> => {
    if (running) return running;
    logger.info({ reason }, 'shutting down');
    running = (async () => {
      const deadline = setTimeout(() => {
        logger.error({ timeoutMs }, 'shutdown timed out; exiting');
        if (exit) process.exit(1);
      }, timeoutMs);
      deadline.unref();
      for (const { name, step } of steps) {
        try {
          await step();
          logger.debug({ step: name }, 'closed');
        } catch (error) {
          logger.warn({ err: error, step: name }, 'error while closing');
        }
      }
      clearTimeout(deadline);
      logger.info('shutdown complete');
      if (exit) process.exit(0);
    })();
    return running;
  };

  if (signals) {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.on(signal, () => {
        if (running) {
          logger.warn({ signal }, 'second signal; exiting now');
          process.exit(1);
        }
        void run(signal);
      });
    }
  }
  return { add: (name, step) => steps.push({ name, step }), run };
}
