// @ts-check
/**
 * The ingestion upload benchmarks of `npm run bench`, run against the platform it started:
 *   - createUpload / completeUpload latency with many users at once (./upload-latency.mjs);
 *   - a large upload through presigned multipart URLs against one AWS SDK PutObject
 *     (./upload-throughput.mjs).
 * Signs in its own analysts and, whatever happens, removes everything they left: multipart uploads
 * and objects in S3, upload rows, data sets (and so their jobs), the users, the temporary file.
 *
 * Environment (all optional):
 *   BENCH_UPLOAD_USERS      users at once (50)
 *   BENCH_UPLOAD_ROUNDS     1 KiB uploads per user (4)
 *   BENCH_UPLOAD_MULTIPART  users completing a multipart upload just over the single-PUT threshold,
 *                           at once (50, at most BENCH_UPLOAD_USERS; 0 skips it)
 *   BENCH_UPLOAD_GIB        size of the large upload in GiB (1; 0 skips it)
 *   BENCH_UPLOAD_PARALLEL   parts of the large upload in flight (4)
 */
import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { AbortMultipartUploadCommand, DeleteObjectCommand } from '@aws-sdk/client-s3';
import { ROOT } from '../lib/env.mjs';
import { GiB, MiB, inParallel, loopback } from './upload-client.mjs';
import { uploadLatency } from './upload-latency.mjs';
import { uploadThroughput, writeCsvFile } from './upload-throughput.mjs';
import { createUsers, deleteUsers } from './users.mjs';

const require = createRequire(import.meta.url);

/** A whole number from the environment, or the default. @param {Record<string, string>} env @param {string} name @param {number} fallback */
function count(env, name, fallback) {
  const value = Number(env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number`);
  return value;
}

/**
 * Removes what the bench users left: their pending multipart uploads and every object of their
 * uploads in S3, then their upload rows, data sets (jobs go with them) and the users themselves.
 * @param {import('pg').Pool} pool @param {import('@aws-sdk/client-s3').S3Client} s3 @param {string[]} ids
 */
async function removeEverything(pool, s3, ids) {
  if (ids.length === 0) return;
  /** @type {{ rows: { bucket: string, object_key: string, multipart_id: string | null, status: string }[] }} */
  const { rows } = await pool.query(
    'SELECT bucket, object_key, multipart_id, status FROM ingestion.uploads WHERE owner_id = ANY($1::uuid[])',
    [ids],
  );
  await inParallel(rows, 8, async (row) => {
    if (row.multipart_id && row.status === 'PENDING') {
      await s3
        .send(
          new AbortMultipartUploadCommand({
            Bucket: row.bucket,
            Key: row.object_key,
            UploadId: row.multipart_id,
          }),
        )
        .catch(() => undefined); // already gone
    }
    await s3.send(new DeleteObjectCommand({ Bucket: row.bucket, Key: row.object_key }));
  });
  await pool.query('DELETE FROM ingestion.datasets WHERE owner_id = ANY($1::uuid[])', [ids]);
  await pool.query('DELETE FROM ingestion.uploads WHERE owner_id = ANY($1::uuid[])', [ids]);
  await deleteUsers(pool, ids);
  console.log(`  cleaned up: ${rows.length} uploads in S3 and PostgreSQL, ${ids.length} users`);
}

/**
 * @param {{ env: Record<string, string>, pool: import('pg').Pool, gatewayUrl: string }} options
 */
export async function benchUploads({ env, pool, gatewayUrl }) {
  const runtime = require(join(ROOT, 'subgraphs', 'runtime', 'dist', 'index.js'));
  const userCount = Math.max(1, count(env, 'BENCH_UPLOAD_USERS', 50));
  const largeSize = count(env, 'BENCH_UPLOAD_GIB', 1) * GiB;
  const parallel = Math.max(1, count(env, 'BENCH_UPLOAD_PARALLEL', 4));
  /** @type {import('@aws-sdk/client-s3').S3Client} */
  const s3 = runtime.createS3({
    endpoint: loopback(env.S3_ENDPOINT ?? ''),
    region: env.S3_REGION ?? 'us-east-1',
    accessKeyId: env.S3_ACCESS_KEY_ID,
    secretAccessKey: env.S3_SECRET_ACCESS_KEY,
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  /** @type {string[]} */
  const ids = [];
  /** @type {string | undefined} */
  let dir;
  try {
    const users = await createUsers(
      { pool, hashPassword: runtime.hashPassword, gatewayUrl },
      userCount,
      ids,
    );
    await uploadLatency(
      { gatewayUrl: `${gatewayUrl}/graphql`, pool, agent, users },
      {
        rounds: Math.max(1, count(env, 'BENCH_UPLOAD_ROUNDS', 4)),
        multipartUsers: Math.min(userCount, count(env, 'BENCH_UPLOAD_MULTIPART', 50)),
        singlePutMaxBytes: count(env, 'UPLOAD_SINGLE_PUT_MAX_BYTES', 64 * MiB),
      },
    );
    if (largeSize > 0) {
      dir = await mkdtemp(join(tmpdir(), 'bench-upload-'));
      const path = join(dir, 'large.csv');
      await writeCsvFile(path, largeSize);
      await uploadThroughput({
        gatewayUrl: `${gatewayUrl}/graphql`,
        user: /** @type {import('./users.mjs').BenchUser} */ (users[0]),
        s3,
        bucket: env.S3_RAW_BUCKET ?? 'analytics-raw',
        path,
        size: largeSize,
        parallel,
      });
    } else {
      console.log('\nlarge upload skipped (BENCH_UPLOAD_GIB=0)');
    }
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true });
    await removeEverything(pool, s3, ids);
    agent.destroy();
    s3.destroy();
  }
}
