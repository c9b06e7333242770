// @ts-check
/**
 * A large upload from Node (1 GiB by default) two ways, in the same run, from the same file on
 * disk (CSV text, so completeUpload's type check passes):
 *   - the platform's way: createUpload, then the presigned multipart part URLs, `parallel` parts in
 *     flight, each part streamed from the file (node:http, Content-Length set), then completeUpload
 *     with the ETags. Timed from the first byte sent to the last part's answer (the transfer) and to
 *     completeUpload's answer (end to end).
 *   - the peer: one PutObjectCommand of the AWS SDK (@aws-sdk/lib-storage is not installed), the
 *     file as a stream with ContentLength, through the platform's own S3 client settings.
 * The page cache is flushed (`sync`) before each, so neither pays for the other's writes. The
 * caller deletes what the presigned upload created (object, upload row, data set); the peer's
 * object is deleted here.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { loadAverage } from './stats.mjs';
import {
  COMPLETE,
  CREATE,
  withAllParts,
  MiB,
  csvBlock,
  gql,
  inParallel,
  partOffsets,
  put,
  valueOf,
} from './upload-client.mjs';

/**
 * @typedef {import('./users.mjs').BenchUser} BenchUser
 * @typedef {import('./upload-client.mjs').Upload} Upload
 */

/** Writes `size` bytes of CSV text to `path`, 8 MiB or so at a time. @param {string} path @param {number} size */
export async function writeCsvFile(path, size) {
  const block = csvBlock();
  const chunk = Buffer.alloc(block.length * 8, block);
  const file = await open(path, 'w');
  try {
    for (let written = 0; written < size; written += chunk.length) {
      await file.write(chunk, 0, Math.min(chunk.length, size - written));
    }
  } finally {
    await file.close();
  }
}

/** MB/s (10^6 bytes). @param {number} bytes @param {number} ms */
const mbps = (bytes, ms) => bytes / 1e6 / (ms / 1000);

/**
 * The presigned multipart upload, parts streamed from the file.
 * @param {{ gatewayUrl: string, user: BenchUser, path: string, size: number, parallel: number,
 *   agent: http.Agent }} options
 */
async function presignedUpload({ gatewayUrl, user, path, size, parallel, agent }) {
  const created = await gql(
    gatewayUrl,
    user.authorization,
    CREATE,
    { fileName: 'bench-large.csv', contentType: 'text/csv', sizeBytes: size, sourceType: 'CSV' },
    'createUpload',
  );
  const planned = /** @type {Upload} */ (valueOf(created, 'createUpload'));
  if (planned.method !== 'MULTIPART')
    throw new Error('the large upload was not planned as multipart');
  const started = performance.now();
  // The URLs of the parts after the first few, asked for as the app does: part of the transfer.
  const upload = await withAllParts(gatewayUrl, user.authorization, planned);
  const offsets = partOffsets(upload.parts);
  const parts = await inParallel(upload.parts, parallel, async (part, i) => {
    const start = offsets[i] ?? 0;
    const stream = () => createReadStream(path, { start, end: start + part.sizeBytes - 1 });
    return {
      partNumber: part.partNumber,
      etag: await put(part.url, {}, stream, part.sizeBytes, agent),
    };
  });
  const transferMs = performance.now() - started;
  const completed = await gql(
    gatewayUrl,
    user.authorization,
    COMPLETE,
    { uploadId: upload.id, parts },
    'completeUpload',
  );
  valueOf(completed, 'completeUpload');
  const totalMs = performance.now() - started;
  return { upload, createMs: created.ms, transferMs, completeMs: completed.ms, totalMs };
}

/**
 * The peer: one PutObjectCommand, the file streamed.
 * @param {import('@aws-sdk/client-s3').S3Client} s3 @param {string} bucket @param {string} path @param {number} size
 */
async function sdkUpload(s3, bucket, path, size) {
  const key = `bench/${randomUUID()}.csv`;
  const started = performance.now();
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: createReadStream(path),
        ContentLength: size,
        ContentType: 'text/csv',
      }),
      { abortSignal: AbortSignal.timeout(600_000) },
    );
    return performance.now() - started;
  } finally {
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  }
}

/**
 * @param {{ gatewayUrl: string, user: BenchUser, s3: import('@aws-sdk/client-s3').S3Client,
 *   bucket: string, path: string, size: number, parallel: number }} options
 */
export async function uploadThroughput(options) {
  const { size, parallel, path } = options;
  const agent = new http.Agent({ keepAlive: true, maxSockets: parallel });
  const gib = size / (1024 * MiB);
  console.log(
    `\n${gib} GiB upload from Node (${size} bytes of CSV text read from disk; MB = 10^6 bytes; one run each)`,
  );
  console.log(`  machine: ${loadAverage()}`);
  execFileSync('sync');
  const sdkMs = await sdkUpload(options.s3, options.bucket, path, size);
  execFileSync('sync');
  const presigned = await presignedUpload({ ...options, agent }).finally(() => agent.destroy());
  const { upload, transferMs, totalMs } = presigned;
  const partMiB = (upload.parts[0]?.sizeBytes ?? 0) / MiB;
  const line = (/** @type {string} */ label, /** @type {number} */ ms) =>
    console.log(
      `  ${label.padEnd(58)} ${(ms / 1000).toFixed(2).padStart(6)} s  ${mbps(size, ms).toFixed(1).padStart(6)} MB/s`,
    );
  console.log(
    `  presigned multipart: ${upload.parts.length} parts of ${partMiB} MiB, ${parallel} in flight; createUpload took ${presigned.createMs.toFixed(0)} ms (not counted)`,
  );
  line('  transfer (first byte sent -> last part answered)', transferMs);
  console.log(`    completeUpload took ${presigned.completeMs.toFixed(0)} ms`);
  line('  end to end (first byte sent -> completeUpload answered)', totalMs);
  line('AWS SDK: one PutObjectCommand, file streamed', sdkMs);
  console.log(
    `  presigned / SDK throughput: transfer ${(sdkMs / transferMs).toFixed(2)}x, end to end ${(sdkMs / totalMs).toFixed(2)}x`,
  );
}
