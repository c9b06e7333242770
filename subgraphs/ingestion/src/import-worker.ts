/**
 * Extracts queued database imports, one at a time per instance: claims the oldest one with a lease
 * (extraction-store.ts; SKIP LOCKED, so instances share the queue and never take the same one),
 * opens the sealed password, reads the query's rows in a READ ONLY transaction through a cursor,
 * FETCH_ROWS at a time, into a Parquet file in a temporary folder (parquet-export.ts), puts it at
 * `raw/<ownerId>/<jobId>.parquet` in the raw bucket, then hands it to the processor with the same
 * `data.ingestion` event as an uploaded file.
 *
 * A failure (the source unreachable or refusing, the query failing mid-way, a cap exceeded, S3)
 * fails the job and its data set with a readable reason; the temporary file and any object or
 * multipart upload are removed, and the password is deleted either way. The lease is renewed while
 * the extraction runs; when a worker stops without a word, the lease runs out and another instance
 * starts the import again, up to `maxAttempts` times. An instance that shuts down gives its import
 * back at once.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { AppError, type Logger } from '@platform/runtime';
import type { ClaimedImport, ExtractionStore } from './extraction-store';
import { removeFile, uploadFile } from './file-upload';
import type { SourceConnection } from './import-rules';
import { openParquetExport, type ParquetExport } from './parquet-export';
import { SOURCE_SESSION, ValueError, columnsOf } from './pg-types';
import { connectSource, describeSource, type SourceTimeouts } from './source-database';

/** Rows per FETCH: what is held in memory besides the row group being written. */
export const FETCH_ROWS = 1000;

export interface ImportWorkerOptions {
  store: ExtractionStore;
  s3: S3Client;
  bucket: string;
  upload: { singlePutMaxBytes: number; partBytes: number };
  timeouts: SourceTimeouts;
  maxRows: number;
  maxBytes: number;
  leaseSeconds: number;
  maxAttempts: number;
  pollMs: number;
  logger: Logger;
}

/** A failure whose message is the reason the user reads. */
class ExtractionError extends Error {}

/** This claim ended without failing the job: the service stops, or another instance took over. */
class Interrupted extends Error {}

// Every value as the server prints it: pg-types.ts converts them, exactly.
const AS_TEXT = { getTypeParser: () => (value: string) => value };

export function startImportWorker(options: ImportWorkerOptions) {
  const log = options.logger.child({ source: 'import-worker' });
  let stopping = false;
  let running: Promise<void> | undefined;
  let again = false;
  let current: AbortController | undefined;

  const drain = async () => {
    try {
      for (const abandoned of await options.store.abandoned(options.maxAttempts)) {
        const times = options.maxAttempts === 1 ? 'once' : `${options.maxAttempts} times`;
        const reason = `The extraction was cut short ${times} (the service running it stopped): import again.`;
        if (await options.store.fail(abandoned, null, reason)) {
          log.warn({ jobId: abandoned.jobId }, 'failed an import whose every attempt stopped');
        }
      }
      while (!stopping) {
        const claim = await options.store.claim(options.leaseSeconds, options.maxAttempts);
        if (!claim) break;
        await extract(claim);
      }
    } catch (error) {
      log.warn({ err: error }, 'import queue check failed; next attempt at the next poll');
    }
  };

  const wake = () => {
    if (stopping) return;
    if (running) {
      again = true;
      return;
    }
    running = drain().finally(() => {
      running = undefined;
      if (again) {
        again = false;
        wake();
      }
    });
  };

  const extract = async (claim: ClaimedImport) => {
    const started = Date.now();
    const key = `raw/${claim.ownerId}/${claim.jobId}.parquet`;
    const jobLog = log.child({ jobId: claim.jobId, attempt: claim.attempt });
    const connection = claim.connection;
    jobLog.info(
      { source: connection && describeSource(connection) },
      'extracting a database import',
    );
    const abort = new AbortController();
    current = abort;
    const heartbeat = setInterval(
      () => {
        options.store.renew(claim, options.leaseSeconds).then(
          (held) => held || abort.abort(new Interrupted('another instance holds the import')),
          (error: unknown) => jobLog.warn({ err: error }, 'could not renew the lease'),
        );
      },
      (options.leaseSeconds * 1000) / 3,
    );
    heartbeat.unref();
    let dir: string | undefined;
    let stored = false;
    try {
      dir = await mkdtemp(join(tmpdir(), 'platform-import-'));
      // What an earlier attempt, stopped half-way, may have left.
      if (claim.attempt > 1) await removeFile(options.s3, options.bucket, key);
      if (!connection) {
        throw new ExtractionError(
          'The saved password could not be read (the credentials key changed): import again.',
        );
      }
      const file = join(dir, `${claim.jobId}.parquet`);
      const { rows, sizeBytes } = await extractToFile(connection, claim.query, file, abort.signal);
      if (abort.signal.aborted) throw abort.signal.reason;
      stored = true;
      await uploadFile(options.s3, {
        bucket: options.bucket,
        key,
        path: file,
        size: sizeBytes,
        contentType: 'application/vnd.apache.parquet',
        ...options.upload,
      }).catch((error: unknown) => {
        jobLog.error({ err: error }, 'S3: could not store the extracted file');
        throw new ExtractionError(
          'Storage is unavailable, so the extracted rows could not be saved. Import again in a moment.',
        );
      });
      const outcome = await options.store.handOver(claim, {
        bucket: options.bucket,
        key,
        sizeBytes,
      });
      if (outcome === 'gone') await removeFile(options.s3, options.bucket, key);
      jobLog.info({ rows, sizeBytes, ms: Date.now() - started, outcome }, 'extracted an import');
    } catch (error) {
      if (error instanceof Interrupted || abort.signal.aborted) {
        // Shutting down: the import goes back to the queue, and what this attempt stored goes.
        // Taken over: the other instance writes the same key, so it is left alone.
        if (stopping) {
          if (stored) await removeFile(options.s3, options.bucket, key);
          await options.store.release(claim).catch(() => undefined);
        }
        jobLog.info({ reason: String(abort.signal.reason ?? error) }, 'extraction interrupted');
        return;
      }
      const reason = describeFailure(error, jobLog);
      if (stored) await removeFile(options.s3, options.bucket, key);
      const failed = await options.store
        .fail(claim, claim.claimId, reason)
        .catch((failure: unknown) => {
          // The lease runs out and the import is tried again.
          jobLog.error({ err: failure }, 'could not record the failure of an import');
          return false;
        });
      jobLog.warn({ reason, failed }, 'import failed');
    } finally {
      clearInterval(heartbeat);
      current = undefined;
      if (dir) await rm(dir, { recursive: true, force: true });
    }
  };

  /** Runs the query and writes its rows; returns how many and the file's size. */
  const extractToFile = async (
    connection: SourceConnection,
    query: string,
    file: string,
    signal: AbortSignal,
  ) => {
    const client = await connectSource(connection, options.timeouts);
    let parquet: ParquetExport | undefined;
    try {
      await client.query('BEGIN READ ONLY');
      for (const setting of SOURCE_SESSION) await client.query(setting);
      // A named statement goes through the extended protocol, which takes one statement only.
      await client.query({
        name: 'platform_import_cursor',
        text: `DECLARE platform_import NO SCROLL CURSOR FOR ${query}`,
      });
      let rows = 0;
      for (;;) {
        if (signal.aborted) throw signal.reason;
        const batch = await client.query<(string | null)[]>({
          text: `FETCH ${FETCH_ROWS} FROM platform_import`,
          rowMode: 'array',
          types: AS_TEXT,
        });
        if (!parquet) {
          if (batch.fields.length === 0) {
            throw new ExtractionError('The query returns no columns: select at least one.');
          }
          parquet = await openParquetExport(file, columnsOf(batch.fields));
        }
        rows += batch.rows.length;
        if (rows > options.maxRows) {
          throw new ExtractionError(
            `The query returns more than ${options.maxRows} rows, the most one import may hold: narrow it with WHERE or LIMIT.`,
          );
        }
        for (const [i, row] of batch.rows.entries()) {
          await parquet.append(row).catch((error: unknown) => {
            if (!(error instanceof ValueError)) throw error;
            throw new ExtractionError(`Row ${rows - batch.rows.length + i + 1}: ${error.message}.`);
          });
        }
        if (parquet.bytes() > options.maxBytes) throw tooLarge(options.maxBytes);
        if (batch.rows.length < FETCH_ROWS) break;
      }
      const sizeBytes = await parquet.close();
      parquet = undefined;
      if (sizeBytes > options.maxBytes) throw tooLarge(options.maxBytes);
      return { rows, sizeBytes };
    } finally {
      parquet?.abandon();
      await client.end().catch(() => undefined);
    }
  };

  /** The reason the user reads: never a stack, never the password, never the service's insides. */
  const describeFailure = (error: unknown, jobLog: Logger): string => {
    if (error instanceof ExtractionError || error instanceof AppError) return error.message;
    const { code = '', message = '' } = (error ?? {}) as { code?: string; message?: string };
    const quoted = message.slice(0, 300);
    if (code === '57014' || /timeout/i.test(message)) {
      const seconds = options.timeouts.statementMs / 1000;
      return `The source database took longer than ${seconds} s to return the next ${FETCH_ROWS} rows.`;
    }
    if (/^[0-9A-Z]{5}$/.test(code) && !code.startsWith('08')) {
      return `The query failed on the source database: ${quoted}`;
    }
    if (code.startsWith('08') || /terminated|ECONNRESET|EPIPE|connection/i.test(message)) {
      return 'The connection to the source database was lost during the extraction.';
    }
    jobLog.error({ err: error }, 'extraction failed unexpectedly');
    return 'The extraction failed because of an internal error.';
  };

  const timer = setInterval(wake, options.pollMs);
  timer.unref();
  wake();
  return {
    /** Looks for queued imports now (a new one was just queued here). */
    wake,
    /** Stops claiming; an extraction under way stops at its next batch and is given back. */
    async stop() {
      stopping = true;
      clearInterval(timer);
      current?.abort(new Interrupted('the service is stopping'));
      await running;
    },
  };
}
export type ImportWorker = ReturnType<typeof startImportWorker>;

const tooLarge = (maxBytes: number) =>
  new ExtractionError(
    `The extracted data is larger than ${formatBytes(maxBytes)}, the most one import may hold: narrow the query.`,
  );

const formatBytes = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB` : `${bytes} bytes`;
