/**
 * The local stack's connection settings (infra/env.sh) for tests run straight from jest, where
 * nothing sourced that file: a service under test then talks to the loopback stack, never to a
 * default such as Amazon's S3 endpoint. What the environment already sets wins.
 */
import { createS3 } from '../src/s3';
export const LOCAL_STACK_DEFAULTS = {
  DATABASE_URL: 'postgres://platform:platform@127.0.0.1:5432/platform',
  REDIS_URL: 'redis://127.0.0.1:6379',
  KAFKA_BROKERS: '127.0.0.1:9092',
  S3_ENDPOINT: 'http://127.0.0.1:7070',
  S3_REGION: 'us-east-1',
  S3_ACCESS_KEY_ID: 'platform-local',
  S3_SECRET_ACCESS_KEY: 'platform-local-secret-key',
  S3_RAW_BUCKET: 'analytics-raw',
  S3_DATA_BUCKET: 'analytics-data',
} as const;

export function localStackEnv(): Record<string, string> {
  const env: Record<string, string> = { ...LOCAL_STACK_DEFAULTS };
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/** An S3 client for the local stack's server, configured as the services configure theirs. */
export function localS3(env: Record<string, string> = localStackEnv()) {
  return createS3({
    endpoint: env.S3_ENDPOINT,
    region: env.S3_REGION ?? LOCAL_STACK_DEFAULTS.S3_REGION,
    accessKeyId: env.S3_ACCESS_KEY_ID,
    secretAccessKey: env.S3_SECRET_ACCESS_KEY,
  });
}

/** Resolves once `condition` holds; fails with `what` after `timeoutMs`. */
export async function eventually(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
