/**
 * Writing rows to a Parquet file as they arrive (@dsnp/parquetjs): a row group is kept in memory
 * until it is full, then written out, so memory holds at most ROW_GROUP_ROWS rows whatever the
 * size of the result. Snappy-compressed data pages of version 1, which every reader accepts.
 */
import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { ParquetSchema, ParquetWriter } from '@dsnp/parquetjs';
import { getParquetTypeDataObject } from '@dsnp/parquetjs/dist/lib/types';
import type { Column } from './pg-types';

/** Rows per row group: the rows held in memory while writing (the library's default). */
export const ROW_GROUP_ROWS = 4096;

// @dsnp/parquetjs 1.8.9 refuses DATE and TIMESTAMP_MICROS values before 1970 (it checks them as
// unsigned), although Parquet stores them as signed integers. pg-types.ts hands over the stored
// integers themselves (days, microseconds; already range-checked), so these conversions become
// the identity. It changes the library for this process only, which uses it only here.
for (const type of ['DATE', 'TIMESTAMP_MICROS'] as const) {
  getParquetTypeDataObject(type).toPrimitive = (value: unknown) => value;
}

export interface ParquetExport {
  /** Converts and appends one row of text values (null for NULL), in the columns' order. */
  append(row: (string | null)[]): Promise<void>;
  /** Bytes in the file so far (written or on their way); grows one row group at a time. */
  bytes(): number;
  /** Writes the footer and closes the file; returns its size. */
  close(): Promise<number>;
  /** Closes the file as it is, without a footer (the caller removes it). */
  abandon(): void;
}

export async function openParquetExport(path: string, columns: Column[]): Promise<ParquetExport> {
  const schema = new ParquetSchema(
    Object.fromEntries(columns.map((c) => [c.name, { ...c.field, compression: 'SNAPPY' }])),
  );
  const out = createWriteStream(path, { flags: 'wx' });
  // A disk error (or a write the library still makes after abandon) must not crash the process:
  // it is kept and thrown by the next append or close.
  let failure: Error | undefined;
  out.on('error', (error) => (failure ??= error));
  const writer = await ParquetWriter.openStream(schema, out, { useDataPageV2: false });
  writer.setRowGroupSize(ROW_GROUP_ROWS);
  return {
    async append(row) {
      if (failure) throw failure;
      const record: Record<string, unknown> = {};
      columns.forEach((column, i) => {
        const value = row[i];
        record[column.name] = value === null || value === undefined ? null : column.convert(value);
      });
      await writer.appendRow(record);
    },
    bytes: () => out.bytesWritten + out.writableLength,
    async close() {
      await writer.close();
      await finished(out);
      if (failure) throw failure;
      return (await stat(path)).size;
    },
    // end, not destroy: the library does not await every write it starts (the header's), and
    // destroy would make a write still buffered fail as an unhandled rejection.
    abandon: () => out.end(),
  };
}
