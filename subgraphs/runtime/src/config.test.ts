import { z } from 'zod';
import { ConfigError, envFragments, parseConfig } from './config';
import { loadSubgraphConfig } from './boot';

const schema = z.object({
  ...envFragments.service,
  ...envFragments.postgres,
  ...envFragments.kafka,
  ...envFragments.redis,
});

describe('configuration', () => {
  it('applies documented defaults and freezes the result', () => {
    const config = parseConfig('svc', schema, {});
    expect(config).toMatchObject({
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      DATABASE_URL: 'postgres://platform:platform@127.0.0.1:5432/platform',
      KAFKA_BROKERS: ['127.0.0.1:9092'],
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reports every problem at once, naming each variable', () => {
    let error: unknown;
    try {
      parseConfig('svc', schema, {
        NODE_ENV: 'staging',
        DATABASE_URL: 'mysql://x',
        PG_POOL_MAX: '0',
        KAFKA_BROKERS: 'no-port, 127.0.0.1:9092',
        REDIS_URL: 'not a url',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const key of ['NODE_ENV', 'DATABASE_URL', 'PG_POOL_MAX', 'KAFKA_BROKERS', 'REDIS_URL']) {
      expect(problems).toContain(key);
    }
    expect((error as ConfigError).problems).toHaveLength(5);
    expect((error as ConfigError).message).toMatch(/^svc: invalid configuration \(5 problems\)/);
  });

  it('reads a subgraph port from <NAME>_PORT, with its default', () => {
    expect(loadSubgraphConfig('identity', {}, {}).PORT).toBe(4001);
    expect(loadSubgraphConfig('dashboards', {}, { DASHBOARDS_PORT: '5007' }).PORT).toBe(5007);
  });
});
