/**
 * Uploads through presigned S3 URLs (ARCHITECTURE.md, "Upload flow"): the API signs, the client
 * sends the bytes straight to S3, and `complete` checks what arrived before anything is queued.
 *
 * - `create`: checks name, type and size, generates the object key, and signs either one PUT or
 *   an S3 multipart upload with one URL per part. Content type and length are part of every
 *   signature, so S3 itself refuses other bytes than those declared.
 * - `complete`: finishes the multipart upload, checks size (HEAD) and first bytes, then creates the
 *   Dataset, the queued Job and its events in one transaction. Twice: the same job.
 * - `abort`, and `sweepExpired` for uploads nobody completed: nothing stays in S3 unowned.
 */
import { randomUUID } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { AppError, badInput, notFound, type Logger } from '@platform/runtime';
import type pg from 'pg';
import { urlSigner } from './presigned-urls';
import { isMissing, s3Unavailable } from './s3-errors';
import { sniff, SNIFF_BYTES } from './sniff';
import type { JobRow, IngestionStore } from './store';
import {
  EXTENSIONS,
  checkContentType,
  checkFileName,
  checkPartNumbers,
  checkSize,
  partOf,
  planTransfer,
  type FileSourceType,
  type UploadLimits,
} from './upload-rules';
import type { UploadRow, UploadStore } from './upload-store';

export interface UploadRequest {
  fileName: string;
  contentType: string;
  sizeBytes: number;
  sourceType: string;
}

export interface UploadedPart {
  partNumber: number;
  etag: string;
}

export interface CreatedUpload {
  id: string;
  fileName: string;
  sourceType: FileSourceType;
  sizeBytes: number;
  method: 'SINGLE_PUT' | 'MULTIPART';
  url: string | null;
  /** MULTIPART: the first parts' URLs (uploadPartUrls gives the others). */
  parts: PartUrl[];
  partSizeBytes: number | null;
  partCount: number;
  headers: { name: string; value: string }[];
  expiresAt: Date;
}

export interface PartUrl {
  partNumber: number;
  url: string;
  sizeBytes: number;
}

export interface PartUrls {
  parts: PartUrl[];
  expiresAt: Date;
}

export interface UploadsDeps {
  s3: S3Client;
  bucket: string;
  limits: UploadLimits;
  /** How long presigned URLs stay valid. */
  urlTtlSeconds: number;
  /** Part URLs createUpload signs; the client asks uploadPartUrls for the others as it goes. */
  partUrlsUpFront: number;
  store: UploadStore;
  ingestion: IngestionStore;
  logger: Logger;
}

const FILE_SOURCE_TYPES: readonly string[] = ['CSV', 'JSON', 'PARQUET'];

export function createUploads(deps: UploadsDeps) {
  const log = deps.logger.child({ source: 'uploads' });
  const signer = urlSigner(deps.s3);

  async function s3<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw s3Unavailable(what, error, log);
    }
  }

  /** Removes what an upload put in S3 (parts of an unfinished multipart upload, or the object). */
  async function discard(upload: UploadRow): Promise<void> {
    const { bucket, object_key: key } = upload;
    if (upload.multipart_id) {
      await deps.s3
        .send(
          new AbortMultipartUploadCommand({
            Bucket: bucket,
            Key: key,
            UploadId: upload.multipart_id,
          }),
        )
        .catch((error: unknown) => {
          if (!isMissing(error)) throw error;
        });
    }
    await deps.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  }

  async function readRange(upload: UploadRow, range: string): Promise<Uint8Array> {
    const object = await deps.s3.send(
      new GetObjectCommand({ Bucket: upload.bucket, Key: upload.object_key, Range: range }),
    );
    return object.Body ? object.Body.transformToByteArray() : new Uint8Array();
  }

  /** Finishes a multipart upload; a refusal of the parts list is the caller's to fix. */
  async function finishMultipart(upload: UploadRow, parts: UploadedPart[] | undefined) {
    const expected = upload.part_count;
    const list = [...(parts ?? [])].sort((a, b) => a.partNumber - b.partNumber);
    const valid =
      list.length === expected &&
      list.every(
        (part, i) =>
          part.partNumber === i + 1 &&
          typeof part.etag === 'string' &&
          /^"?[A-Za-z0-9-]{1,128}"?$/.test(part.etag),
      );
    if (!valid) {
      throw badInput(
        `Send the ETag of each of the ${expected} parts (partNumber 1 to ${expected}, once each).`,
        { field: 'parts', expectedParts: expected },
      );
    }
    try {
      await deps.s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: upload.bucket,
          Key: upload.object_key,
          UploadId: upload.multipart_id!,
          MultipartUpload: {
            Parts: list.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })),
          },
        }),
      );
    } catch (error) {
      const name = (error as { name?: string }).name ?? '';
      if (['InvalidPart', 'InvalidPartOrder', 'EntityTooSmall'].includes(name)) {
        throw badInput(
          'S3 does not have every part as listed: upload the missing parts, or check their ETags.',
          { field: 'parts' },
        );
      }
      // Completed at S3 by an earlier call whose transaction then failed: the object is there.
      if (name !== 'NoSuchUpload') throw s3Unavailable('complete the upload', error, log);
    }
  }

  /** Why the object in S3 is not the file declared, or undefined if it is. */
  async function inspect(upload: UploadRow): Promise<string | undefined> {
    const head = await deps.s3
      .send(new HeadObjectCommand({ Bucket: upload.bucket, Key: upload.object_key }))
      .catch((error: unknown) => {
        if (isMissing(error)) return undefined;
        throw s3Unavailable('check the upload', error, log);
      });
    if (!head) {
      throw badInput('The file has not been uploaded yet: send its bytes, then complete.', {
        field: 'uploadId',
      });
    }
    if (head.ContentLength !== upload.size_bytes) {
      return `The uploaded file has ${head.ContentLength ?? 0} bytes, not the ${upload.size_bytes} declared.`;
    }
    const first = await s3('read the upload', () =>
      readRange(upload, `bytes=0-${SNIFF_BYTES - 1}`),
    );
    const last =
      upload.source_type === 'PARQUET'
        ? await s3('read the upload', () => readRange(upload, 'bytes=-4'))
        : new Uint8Array();
    const verdict = sniff(upload.source_type, first, last, upload.size_bytes <= SNIFF_BYTES);
    return verdict.ok ? undefined : verdict.reason;
  }

  return {
    async create(ownerId: string, request: UploadRequest): Promise<CreatedUpload> {
      if (!FILE_SOURCE_TYPES.includes(request.sourceType)) {
        throw badInput(
          'Uploads are CSV, JSON or Parquet; import databases with importFromDatabase.',
          {
            field: 'sourceType',
          },
        );
      }
      const sourceType = request.sourceType as FileSourceType;
      const fileName = checkFileName(request.fileName);
      const contentType = checkContentType(request.contentType, sourceType);
      const sizeBytes = checkSize(request.sizeBytes, deps.limits);
      const plan = planTransfer(sizeBytes, deps.limits);

      const id = randomUUID();
      const key = `raw/${ownerId}/${id}.${EXTENSIONS[sourceType]}`;
      const expiresIn = deps.urlTtlSeconds;
      const expiresAt = new Date(Date.now() + expiresIn * 1000);
      const base = { id, fileName, sourceType, sizeBytes, expiresAt };
      const row = {
        id,
        owner_id: ownerId,
        file_name: fileName,
        content_type: contentType,
        source_type: sourceType,
        size_bytes: sizeBytes,
        bucket: deps.bucket,
        object_key: key,
        expires_at: expiresAt,
      };

      if (plan.kind === 'single') {
        const url = await signer.putObject(
          { bucket: deps.bucket, key, contentType, sizeBytes },
          expiresIn,
        );
        await deps.store.insert({ ...row, multipart_id: null, part_size: null, part_count: 1 });
        return {
          ...base,
          method: 'SINGLE_PUT',
          url,
          parts: [],
          partSizeBytes: null,
          partCount: 1,
          headers: [{ name: 'Content-Type', value: contentType }],
        };
      }

      const { UploadId } = await s3('start the upload', () =>
        deps.s3.send(
          new CreateMultipartUploadCommand({
            Bucket: deps.bucket,
            Key: key,
            ContentType: contentType,
          }),
        ),
      );
      if (!UploadId) throw s3Unavailable('start the upload', new Error('no UploadId'), log);
      try {
        // Signing is most of a createUpload's CPU: only the first parts now, whatever the size.
        const parts = await signer.uploadParts(
          { bucket: deps.bucket, key, uploadId: UploadId },
          plan.parts.slice(0, deps.partUrlsUpFront),
          expiresIn,
        );
        await deps.store.insert({
          ...row,
          multipart_id: UploadId,
          part_size: plan.partBytes,
          part_count: plan.parts.length,
        });
        return {
          ...base,
          method: 'MULTIPART',
          url: null,
          parts,
          partSizeBytes: plan.partBytes,
          partCount: plan.parts.length,
          headers: [],
        };
      } catch (error) {
        // Nothing may stay in S3 that no upload row owns.
        await deps.s3
          .send(new AbortMultipartUploadCommand({ Bucket: deps.bucket, Key: key, UploadId }))
          .catch((abortError: unknown) =>
            log.error({ err: abortError, key }, 'could not abort an unrecorded multipart upload'),
          );
        throw error;
      }
    },

    /**
     * URLs for more parts of the owner's pending multipart upload. Each call keeps the upload
     * alive: it expires (and is swept) a URL lifetime after the last URLs were handed out, so a
     * slow transfer of a large file never outlives its URLs.
     */
    async partUrls(ownerId: string, uploadId: string, partNumbers: number[]): Promise<PartUrls> {
      const current = await deps.store.find(uploadId, ownerId);
      if (!current) throw notFound('Upload', uploadId);
      if (current.status !== 'PENDING') throw noMoreParts(current);
      if (!current.multipart_id || current.part_size === null) {
        throw badInput('This upload is a single PUT: it has no parts; use its url.', {
          field: 'uploadId',
        });
      }
      const shape = {
        sizeBytes: current.size_bytes,
        partBytes: current.part_size,
        partCount: current.part_count,
      };
      const wanted = checkPartNumbers(partNumbers, current.part_count).map((n) => partOf(n, shape));
      // Kept alive only while still pending: a completion or cancellation meanwhile wins.
      const expiresAt = new Date(Date.now() + deps.urlTtlSeconds * 1000);
      const upload = await deps.store.extendPending(uploadId, ownerId, expiresAt);
      if (!upload) {
        const now = await deps.store.find(uploadId, ownerId);
        throw now ? noMoreParts(now) : notFound('Upload', uploadId);
      }
      const parts = await signer.uploadParts(
        { bucket: upload.bucket, key: upload.object_key, uploadId: current.multipart_id },
        wanted,
        Math.max(1, Math.round((upload.expires_at.getTime() - Date.now()) / 1000)),
      );
      return { parts, expiresAt: upload.expires_at };
    },

    async complete(ownerId: string, uploadId: string, parts?: UploadedPart[]): Promise<JobRow> {
      // The S3 work (finishing a multipart upload, HEAD, the first bytes) happens outside any
      // transaction: holding a connection and a row lock across it starved the pool under load.
      const upload = await deps.store.find(uploadId, ownerId);
      if (!upload) throw notFound('Upload', uploadId);
      let rejection: string | undefined;
      if (upload.status === 'PENDING') {
        if (upload.multipart_id) await finishMultipart(upload, parts);
        rejection = await inspect(upload);
      }
      // Then one short transaction decides, on the row as it is now: a concurrent call may have
      // completed (same job), cancelled or refused it meanwhile.
      const outcome = await deps.store.withLocked(uploadId, ownerId, async (current, tx) => {
        if (current.status === 'COMPLETED') return { job: await completedJob(tx, current) };
        if (current.status !== 'PENDING') return { refusal: closedUpload(current) };
        if (rejection) {
          // Recorded (and the bytes removed) before the caller hears about it.
          await s3('remove the refused file', () => discard(current));
          await deps.store.setStatus(tx, current.id, 'REJECTED', rejection);
          return { refusal: badInput(rejection, { status: 'REJECTED' }) };
        }
        return { job: await deps.store.complete(tx, current) };
      });
      if (!outcome) throw notFound('Upload', uploadId);
      if ('refusal' in outcome) throw outcome.refusal;
      return outcome.job;
    },

    async abort(ownerId: string, uploadId: string): Promise<boolean> {
      const outcome = await deps.store.withLocked(uploadId, ownerId, async (upload, tx) => {
        if (upload.status === 'COMPLETED') {
          throw badInput('This upload is complete; delete its data set instead.', {
            status: 'COMPLETED',
          });
        }
        if (upload.status !== 'PENDING') return true;
        await s3('cancel the upload', () => discard(upload));
        await deps.store.setStatus(tx, upload.id, 'ABORTED');
        return true;
      });
      if (outcome === undefined) throw notFound('Upload', uploadId);
      return outcome;
    },

    /** Cancels pending uploads whose URLs expired `graceSeconds` ago; returns how many. */
    async sweepExpired(graceSeconds: number, batch = 100): Promise<number> {
      return deps.store.inTransaction(async (tx) => {
        const expired = await deps.store.lockExpired(tx, graceSeconds, batch);
        for (const upload of expired) {
          await discard(upload);
          await deps.store.setStatus(tx, upload.id, 'EXPIRED');
        }
        return expired.length;
      });
    },
  };

  /** Why an upload that is no longer pending gets no more part URLs. */
  function noMoreParts(upload: UploadRow): AppError {
    return upload.status === 'COMPLETED'
      ? badInput('This upload is complete: its bytes can no longer change.', {
          status: 'COMPLETED',
        })
      : closedUpload(upload);
  }

  /** Why an upload that is no longer pending cannot be completed. */
  function closedUpload(upload: UploadRow): AppError {
    switch (upload.status) {
      case 'ABORTED':
        return badInput('This upload was cancelled. Start a new upload.', { status: 'ABORTED' });
      case 'EXPIRED':
        return badInput('This upload expired. Start a new upload.', { status: 'EXPIRED' });
      default:
        return badInput(upload.rejection ?? 'This upload was refused.', { status: upload.status });
    }
  }

  async function completedJob(tx: pg.PoolClient, upload: UploadRow): Promise<JobRow> {
    const [job] = upload.job_id ? await deps.ingestion.jobsByIds([upload.job_id], tx) : [];
    if (!job) throw new AppError('NOT_FOUND', 'The data set of this upload was deleted.');
    return job;
  }
}
export type Uploads = ReturnType<typeof createUploads>;
