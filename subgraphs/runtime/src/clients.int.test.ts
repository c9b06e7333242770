/**
 * The shared clients against the real Redis and S3-compatible server of the local stack, and the
 * readiness check naming what failed.
 */
import { randomUUID } from 'node:crypto';
import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  DeleteObjectCommand,
} from '@aws-sdk/client-s3';
import { checkReadiness } from './health';
import { createLogger } from './logger';
import { createRedis } from './redis';
import { createS3 } from './s3';

const logger = createLogger('test', 'silent');
const s3Options = {
  endpoint: process.env.S3_ENDPOINT ?? 'http://127.0.0.1:7070',
  region: process.env.S3_REGION ?? 'us-east-1',
  accessKeyId: process.env.S3_ACCESS_KEY_ID ?? 'platform-local',
  secretAccessKey: process.env.S3_SECRET_ACCESS_KEY ?? 'platform-local-secret-key',
};
const bucket = process.env.S3_RAW_BUCKET ?? 'analytics-raw';

describe('Redis client', () => {
  it('connects, and stores a counter with a TTL', async () => {
    const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', logger);
    await redis.connect();
    const key = `test:${randomUUID()}`;
    expect(await redis.ping()).toBe('PONG');
    await redis.multi().incr(key).expire(key, 3600).exec();
    expect(await redis.get(key)).toBe('1');
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(3590);
    expect(ttl).toBeLessThanOrEqual(3600);
    await redis.del(key);
    await redis.quit();
  });

  it('fails fast instead of queueing when Redis is unreachable', async () => {
    const redis = createRedis('redis://127.0.0.1:1', logger);
    await expect(redis.connect()).rejects.toThrow();
    await expect(redis.ping()).rejects.toThrow();
    redis.disconnect();
  });
});

describe('S3 client', () => {
  it('writes, heads, reads and deletes an object with checksums only when required', async () => {
    const s3 = createS3(s3Options);
    const key = `test/${randomUUID()}.csv`;
    const body = 'a,b\n1,2\n';
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'text/csv' }),
    );
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(head.ContentLength).toBe(body.length);
    expect(head.ContentType).toBe('text/csv');
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    expect(await got.Body?.transformToString()).toBe(body);
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    s3.destroy();
  });

  it('is refused by the server when its signature is wrong', async () => {
    const s3 = createS3({ ...s3Options, secretAccessKey: 'not-the-secret' });
    await expect(
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: `test/${randomUUID()}`, Body: 'x' })),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
    s3.destroy();
  });

  it('an unsigned request is refused', async () => {
    const response = await fetch(`${s3Options.endpoint}/${bucket}/test/${randomUUID()}`, {
      method: 'PUT',
      body: 'x',
    });
    expect(response.status).toBe(403);
  });
});

describe('readiness', () => {
  it('names each failing or slow dependency and passes the rest', async () => {
    const result = await checkReadiness(
      {
        ok: async () => undefined,
        broken: async () => {
          throw new Error('connection refused to 10.0.0.1');
        },
        slow: () => new Promise((resolve) => setTimeout(resolve, 500)),
      },
      100,
    );
    expect(result).toEqual({
      ready: false,
      checks: { ok: 'ok', broken: 'failed', slow: 'timeout' },
    });
    expect(JSON.stringify(result)).not.toContain('10.0.0.1');
  });
});
