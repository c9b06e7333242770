/** Gateway entry point: config, logger, start, graceful shutdown. */
import { createLogger, createShutdown } from '@platform/runtime';
import { loadGatewayConfig } from './env';
import { startGateway } from './server';

async function main() {
  const config = loadGatewayConfig();
  const logger = createLogger('gateway', config.LOG_LEVEL);
  const shutdown = createShutdown(logger, config.SHUTDOWN_TIMEOUT_MS);
  try {
    const gateway = await startGateway(config, logger);
    shutdown.add('gateway', gateway.close);
  } catch (error) {
    logger.fatal({ err: error }, 'gateway failed to start');
    process.stderr.write(
      `gateway: failed to start: ${error instanceof Error ? error.message : error}\n`,
    );
    process.exit(1);
  }
}

void main();
