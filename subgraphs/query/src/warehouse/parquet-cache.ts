/**
 * Local copies of the data sets' Parquet files, fetched from S3 on first use and kept by
 * (data set, version): a version never changes, so a copy is never stale. One download per
 * version at a time; a partial download never becomes visible (written aside, then renamed).
 * Least recently used copies go when the total passes `maxBytes`.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { WarehouseError, type DatasetVersion } from './warehouse';

export interface ParquetCacheOptions {
  s3: S3Client;
  bucket: string;
  dir: string;
  maxBytes: number;
}

/** Where the processor writes a version's typed Parquet (see processor/src/job). */
export const parquetKey = (d: DatasetVersion) =>
  `datasets/${d.datasetId}/v${d.version}/data.parquet`;

export function createParquetCache(options: ParquetCacheOptions) {
  const files = new Map<string, { path: string; bytes: number; usedAt: number }>();
  const downloads = new Map<string, Promise<string>>();
  const pinned = new Map<string, number>();

  async function download(d: DatasetVersion, key: string): Promise<string> {
    const dir = join(options.dir, d.datasetId);
    const path = join(dir, `v${d.version}.parquet`);
    const known = await stat(path).catch(() => null);
    if (known) {
      files.set(key, { path, bytes: known.size, usedAt: Date.now() });
      return path;
    }
    await mkdir(dir, { recursive: true });
    const partial = `${path}.${process.pid}.${Date.now()}.partial`;
    try {
      const object = await options.s3.send(
        new GetObjectCommand({ Bucket: options.bucket, Key: parquetKey(d) }),
      );
      await pipeline(object.Body as Readable, createWriteStream(partial));
      await rename(partial, path);
    } catch (error) {
      await rm(partial, { force: true });
      throw new WarehouseError(
        'UNAVAILABLE',
        'The data set’s file could not be read from storage.',
        {
          cause: error,
        },
      );
    }
    const bytes = (await stat(path)).size;
    files.set(key, { path, bytes, usedAt: Date.now() });
    await evict();
    return path;
  }

  async function evict() {
    let total = [...files.values()].reduce((sum, f) => sum + f.bytes, 0);
    const oldest = [...files.entries()].sort((a, b) => a[1].usedAt - b[1].usedAt);
    for (const [key, file] of oldest) {
      if (total <= options.maxBytes) break;
      if (pinned.get(key)) continue;
      files.delete(key);
      total -= file.bytes;
      await rm(file.path, { force: true });
    }
  }

  return {
    /**
     * The local path of a version's Parquet, downloading it if needed; pinned (not evicted)
     * until `release` is called with the same version.
     */
    async acquire(d: DatasetVersion): Promise<string> {
      const key = `${d.datasetId}/v${d.version}`;
      pinned.set(key, (pinned.get(key) ?? 0) + 1);
      const cached = files.get(key);
      if (cached) {
        cached.usedAt = Date.now();
        return cached.path;
      }
      let pending = downloads.get(key);
      if (!pending) {
        pending = download(d, key).finally(() => downloads.delete(key));
        downloads.set(key, pending);
      }
      try {
        return await pending;
      } catch (error) {
        this.release(d);
        throw error;
      }
    },
    /** Removes every local copy of a data set (it was deleted). */
    async forget(datasetId: string) {
      for (const key of [...files.keys()]) {
        if (key.startsWith(`${datasetId}/`)) files.delete(key);
      }
      await rm(join(options.dir, datasetId), { recursive: true, force: true });
    },
    release(d: DatasetVersion) {
      const key = `${d.datasetId}/v${d.version}`;
      const count = (pinned.get(key) ?? 1) - 1;
      if (count > 0) pinned.set(key, count);
      else pinned.delete(key);
    },
  };
}
export type ParquetCache = ReturnType<typeof createParquetCache>;
