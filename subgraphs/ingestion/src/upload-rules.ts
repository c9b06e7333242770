/**
 * What an upload request may declare, checked before anything is signed: the file name (kept only
 * as metadata: the object key is generated), the content type for the source type, the size, and
 * how the bytes will travel (one PUT, or S3 multipart with parts of a fixed size).
 */
import { badInput } from '@platform/runtime';

export type FileSourceType = 'CSV' | 'JSON' | 'PARQUET';

/** S3 limits: parts of 5 MiB to 5 GiB (the last may be smaller), at most 10,000 of them. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;
export const MAX_PARTS = 10_000;
export const MAX_SINGLE_PUT_BYTES = 5 * 1024 * 1024 * 1024;

/** Media types accepted for each source type (parameters such as `charset` are allowed). */
export const MEDIA_TYPES: Record<FileSourceType, readonly string[]> = {
  // Browsers on Windows report .csv files as application/vnd.ms-excel.
  CSV: ['text/csv', 'application/csv', 'text/plain', 'application/vnd.ms-excel'],
  JSON: ['application/json', 'application/x-ndjson', 'application/jsonl', 'text/plain'],
  PARQUET: ['application/vnd.apache.parquet', 'application/x-parquet', 'application/octet-stream'],
};

export const EXTENSIONS: Record<FileSourceType, string> = {
  CSV: 'csv',
  JSON: 'json',
  PARQUET: 'parquet',
};

export interface UploadLimits {
  /** Largest file accepted. */
  maxBytes: number;
  /** Files up to this size go in one presigned PUT; larger ones use multipart. */
  singlePutMaxBytes: number;
  /** Part size of multipart uploads (grown when a file would need more than 10,000 parts). */
  partBytes: number;
}

/** C0, DEL and C1 control characters. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** A file name as metadata: 1-255 bytes of UTF-8, no path, no control characters. */
export function checkFileName(fileName: string): string {
  const name = fileName.normalize('NFC');
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes === 0 || name.trim().length === 0) {
    throw badInput('The file name is empty.', { field: 'fileName' });
  }
  if (bytes > 255) {
    throw badInput('The file name is longer than 255 bytes.', { field: 'fileName', bytes });
  }
  if (/[/\\]/.test(name) || name === '.' || name === '..') {
    throw badInput('The file name must not contain a path (/ or \\).', { field: 'fileName' });
  }
  if (CONTROL.test(name)) {
    throw badInput('The file name must not contain control characters.', { field: 'fileName' });
  }
  // A lone surrogate cannot be stored as UTF-8: it would not come back the same.
  if (Buffer.from(name, 'utf8').toString('utf8') !== name) {
    throw badInput('The file name is not valid Unicode.', { field: 'fileName' });
  }
  return name;
}

const MEDIA_TYPE = /^([a-z0-9][a-z0-9!#$&^_.+-]{0,126})\/([a-z0-9][a-z0-9!#$&^_.+-]{0,126})$/;

/** The declared content type, which is signed into the URL and must fit the source type. */
export function checkContentType(contentType: string, sourceType: FileSourceType): string {
  const value = contentType.trim();
  if (value.length === 0 || value.length > 255 || CONTROL.test(value)) {
    throw badInput('The content type is not valid.', { field: 'contentType' });
  }
  const [essence = '', ...parameters] = value.split(';').map((part) => part.trim());
  const mediaType = essence.toLowerCase();
  const parametersValid = parameters.every((p) => /^[A-Za-z0-9_.-]+=("?)[\w.+-]{1,64}\1$/.test(p));
  if (!MEDIA_TYPE.test(mediaType) || !parametersValid) {
    throw badInput('The content type is not valid.', { field: 'contentType' });
  }
  if (!MEDIA_TYPES[sourceType].includes(mediaType)) {
    throw badInput(
      `A ${sourceType} file cannot have the content type ${mediaType}. Use one of: ${MEDIA_TYPES[sourceType].join(', ')}.`,
      { field: 'contentType', accepted: MEDIA_TYPES[sourceType] },
    );
  }
  const normalised = [mediaType, ...parameters].join('; ');
  // Normalising adds a space after each `;`: the stored (and signed) value must still fit.
  if (normalised.length > 255) {
    throw badInput('The content type is longer than 255 characters.', { field: 'contentType' });
  }
  return normalised;
}

export function checkSize(sizeBytes: number, limits: UploadLimits): number {
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes <= 0) {
    throw badInput('The file size must be a whole number of bytes above 0.', {
      field: 'sizeBytes',
    });
  }
  if (sizeBytes > limits.maxBytes) {
    throw badInput(`The file is larger than the limit of ${formatBytes(limits.maxBytes)}.`, {
      field: 'sizeBytes',
      maxBytes: limits.maxBytes,
    });
  }
  return sizeBytes;
}

export type TransferPlan =
  | { kind: 'single' }
  | { kind: 'multipart'; partBytes: number; parts: { partNumber: number; sizeBytes: number }[] };

/** One PUT for small files; otherwise parts of `partBytes` (more if 10,000 would not suffice). */
export function planTransfer(sizeBytes: number, limits: UploadLimits): TransferPlan {
  if (sizeBytes <= Math.min(limits.singlePutMaxBytes, MAX_SINGLE_PUT_BYTES)) {
    return { kind: 'single' };
  }
  const partBytes = Math.max(limits.partBytes, MIN_PART_BYTES, Math.ceil(sizeBytes / MAX_PARTS));
  const count = Math.ceil(sizeBytes / partBytes);
  const parts = Array.from({ length: count }, (_, i) =>
    partOf(i + 1, { sizeBytes, partBytes, partCount: count }),
  );
  return { kind: 'multipart', partBytes, parts };
}

/** A part of a multipart upload: all are `partBytes` long but the last, which has the rest. */
export function partOf(
  partNumber: number,
  upload: { sizeBytes: number; partBytes: number; partCount: number },
): { partNumber: number; sizeBytes: number } {
  const { sizeBytes, partBytes, partCount } = upload;
  return {
    partNumber,
    sizeBytes: partNumber < partCount ? partBytes : sizeBytes - partBytes * (partCount - 1),
  };
}

/** Part URLs one uploadPartUrls call may ask for. */
export const MAX_PART_URLS_PER_CALL = 100;

/** The part numbers asked for, each 1 to `partCount` and once, at most MAX_PART_URLS_PER_CALL. */
export function checkPartNumbers(partNumbers: readonly number[], partCount: number): number[] {
  const valid =
    partNumbers.length >= 1 &&
    partNumbers.length <= MAX_PART_URLS_PER_CALL &&
    new Set(partNumbers).size === partNumbers.length &&
    partNumbers.every((n) => Number.isInteger(n) && n >= 1 && n <= partCount);
  if (!valid) {
    throw badInput(
      `Ask for 1 to ${MAX_PART_URLS_PER_CALL} different part numbers, each from 1 to ${partCount}.`,
      { field: 'partNumbers', partCount },
    );
  }
  return [...partNumbers];
}

export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}
