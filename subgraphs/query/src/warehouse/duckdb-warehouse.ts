/**
 * The embedded warehouse: one in-memory DuckDB per open data set version, its table loaded from
 * the version's Parquet (a local copy of the S3 object), then sealed: external access disabled
 * and the configuration locked, so no statement can read a file, reach the network, load an
 * extension or change a limit. Threads and memory are bounded per database; at most `maxOpen`
 * versions are open (least recently used closed first); every statement is interrupted at its
 * timeout.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { TABLE_NAME, quoteText } from '../dataset-schema';
import { cleanDuckDbMessage } from '../sql/messages';
import type { ParquetCache } from './parquet-cache';
import {
  WarehouseError,
  capped,
  type DatasetVersion,
  type Json,
  type QueryResult,
  type RunOptions,
  type Warehouse,
} from './warehouse';

export interface DuckDbWarehouseOptions {
  files: ParquetCache;
  /** Spill directory root (each database gets its own). */
  tempDir: string;
  threads: number;
  /** DuckDB size text, e.g. `512MB`, per open database. */
  memoryLimit: string;
  maxOpen: number;
}

interface Opened {
  instance: DuckDBInstance;
  busy: number;
  closing: boolean;
}

export function createDuckDbWarehouse(options: DuckDbWarehouseOptions): Warehouse {
  // Insertion order is recency order: a hit is moved to the end.
  const open = new Map<string, Promise<Opened>>();

  async function load(d: DatasetVersion, key: string): Promise<Opened> {
    const path = await options.files.acquire(d);
    try {
      const tempDirectory = join(options.tempDir, key.replace('/', '-'));
      await mkdir(tempDirectory, { recursive: true });
      const instance = await DuckDBInstance.create(':memory:', {
        threads: String(options.threads),
        memory_limit: options.memoryLimit,
        temp_directory: tempDirectory,
        autoinstall_known_extensions: 'false',
        autoload_known_extensions: 'false',
      });
      const connection = await instance.connect();
      try {
        await connection.run(
          `CREATE TABLE ${TABLE_NAME} AS SELECT * FROM read_parquet(${quoteText(path)})`,
        );
        // Timestamps read and print in UTC, whatever the host's zone.
        await connection.run("SET TimeZone = 'UTC'");
        await connection.run('SET enable_external_access = false');
        await connection.run('SET lock_configuration = true');
      } finally {
        connection.closeSync();
      }
      return { instance, busy: 0, closing: false };
    } catch (error) {
      if (error instanceof WarehouseError) throw error;
      throw new WarehouseError('UNAVAILABLE', 'The data set could not be loaded for querying.', {
        cause: error,
      });
    } finally {
      // The table holds the data now; the file may be evicted.
      options.files.release(d);
    }
  }

  function retire(opened: Opened) {
    opened.closing = true;
    if (opened.busy === 0) opened.instance.closeSync();
  }

  async function acquire(d: DatasetVersion): Promise<Opened> {
    const key = `${d.datasetId}/v${d.version}`;
    let pending = open.get(key);
    if (pending) {
      open.delete(key);
    } else {
      pending = load(d, key);
      pending.catch(() => open.delete(key));
    }
    open.set(key, pending);
    while (open.size > options.maxOpen) {
      const [oldestKey, oldest] = open.entries().next().value!;
      open.delete(oldestKey);
      oldest.then(retire, () => undefined);
    }
    const opened = await pending;
    opened.busy += 1;
    return opened;
  }

  function releaseOpened(opened: Opened) {
    opened.busy -= 1;
    if (opened.closing && opened.busy === 0) opened.instance.closeSync();
  }

  return {
    name: 'duckdb',
    async run(d, sql, run: RunOptions): Promise<QueryResult> {
      const opened = await acquire(d);
      let connection: DuckDBConnection | undefined;
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        connection?.interrupt();
      }, run.timeoutMs);
      const started = performance.now();
      try {
        connection = await opened.instance.connect();
        if (timedOut) throw new Error('interrupted before it started');
        const reader = await connection.runAndReadAll(capped(sql, run.maxRows));
        const executionMs = Math.round(performance.now() - started);
        const rows = reader.getRowsJson() as Json[][];
        const truncated = rows.length > run.maxRows;
        return {
          columns: reader.columnNames().map((name, i) => ({
            name,
            type: reader.columnTypes()[i]!.toString(),
          })),
          rows: truncated ? rows.slice(0, run.maxRows) : rows,
          truncated,
          executionMs,
        };
      } catch (error) {
        if (timedOut) {
          throw new WarehouseError(
            'TIMEOUT',
            `The query ran longer than ${run.timeoutMs / 1000} s and was stopped.`,
            { cause: error },
          );
        }
        throw new WarehouseError('QUERY_FAILED', cleanDuckDbMessage(error), { cause: error });
      } finally {
        clearTimeout(timer);
        connection?.closeSync();
        releaseOpened(opened);
      }
    },
    async forget(datasetId) {
      for (const [key, pending] of [...open.entries()]) {
        if (!key.startsWith(`${datasetId}/`)) continue;
        open.delete(key);
        await pending.then(retire, () => undefined);
      }
      await options.files.forget(datasetId);
    },
    async close() {
      const all = [...open.values()];
      open.clear();
      for (const pending of all) await pending.then(retire, () => undefined);
    },
  };
}
