/**
 * What the upload page decides about a file before asking the platform: its source type (guessed
 * from the extension, which the user may change), the content type to declare for it, and whether
 * it can be uploaded at all. The platform checks all of this again; checking here first saves
 * the user a round trip for the obvious mistakes.
 */
import type { SourceType } from '../../schema-types';

/** The source types a file can have (a database is imported, not uploaded). */
export type FileSourceType = Exclude<SourceType, 'DATABASE'>;

export const FILE_SOURCE_TYPES: readonly FileSourceType[] = ['CSV', 'JSON', 'PARQUET'];

export const FILE_SOURCE_LABEL: Record<FileSourceType, string> = {
  CSV: 'CSV',
  JSON: 'JSON (an array, or JSON lines)',
  PARQUET: 'Parquet',
};

/** ingestion's `UPLOAD_MAX_BYTES` default: 10 GiB. The platform's own limit is the one that counts. */
export const MAX_UPLOAD_BYTES = 10 * 1024 ** 3;

const BY_EXTENSION: Record<string, FileSourceType> = {
  csv: 'CSV',
  json: 'JSON',
  jsonl: 'JSON',
  ndjson: 'JSON',
  parquet: 'PARQUET',
};

/** For the file picker: a hint of what fits, never a restriction (the user may pick any file). */
export const ACCEPTED_FILES = [
  ...Object.keys(BY_EXTENSION).map((extension) => `.${extension}`),
  'text/csv',
  'application/json',
  'application/x-ndjson',
  'application/vnd.apache.parquet',
].join(',');

/** `data.CSV` -> `csv`; a name without a dot (or only a leading one) has no extension. */
export function extensionOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? fileName.slice(dot + 1).toLowerCase() : '';
}

/** The source type the file's extension suggests, or null when it suggests none. */
export function guessSourceType(fileName: string): FileSourceType | null {
  return BY_EXTENSION[extensionOf(fileName)] ?? null;
}

const JSON_LINES = new Set(['jsonl', 'ndjson']);

/**
 * The content type to declare (it is signed into the upload URL). Always the canonical one for the
 * source type, whatever the browser guessed: browsers report `''` for Parquet and sometimes
 * `application/vnd.ms-excel` for CSV. JSON lines files say so.
 */
export function contentTypeFor(sourceType: FileSourceType, fileName: string): string {
  switch (sourceType) {
    case 'CSV':
      return 'text/csv';
    case 'JSON':
      return JSON_LINES.has(extensionOf(fileName)) ? 'application/x-ndjson' : 'application/json';
    case 'PARQUET':
      return 'application/vnd.apache.parquet';
  }
}

/** Why this file cannot be uploaded, in a sentence for the user; null when it can be. */
export function fileProblem(
  file: { name: string; size: number },
  maxBytes = MAX_UPLOAD_BYTES,
): string | null {
  if (file.size === 0) return `${file.name} is empty: there is nothing to upload.`;
  if (file.size > maxBytes) {
    return `${file.name} is larger than the limit of ${Number((maxBytes / 1024 ** 3).toFixed(1))} GiB.`;
  }
  return null;
}
