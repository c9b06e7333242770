/** ioredis client with bounded reconnects and offline queue off, so a Redis outage fails fast. */
import { Redis } from 'ioredis';
import type { Logger } from './logger';

export type { Redis };

export function createRedis(url: string, logger: Logger): Redis {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 3_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  redis.on('error', (error) => logger.warn({ err: error }, 'Redis connection error'));
  return redis;
}
