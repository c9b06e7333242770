/**
 * Does an uploaded object start (and, for Parquet, end) like the type the user declared? A cheap
 * check on the first few KiB before a job is queued: the processor does the full parse, but a
 * Parquet file sent as CSV, or an image sent as JSON, is refused right away with a clear message.
 */
import type { FileSourceType } from './upload-rules';

/** Bytes read from the start of the object. */
export const SNIFF_BYTES = 4096;
const PARQUET_MAGIC = Buffer.from('PAR1', 'ascii');
/** Control characters that text files do not contain (tab, line feed, form feed, CR are fine). */
// eslint-disable-next-line no-control-regex
const BINARY = /[\u0000-\u0008\u000b\u000e-\u001f]/;

export type SniffResult = { ok: true } | { ok: false; reason: string };

/**
 * `head`: the first bytes (up to SNIFF_BYTES); `tail`: the last 4 bytes; `complete`: whether
 * `head` is the whole object (so a multi-byte character cut at its end is an error, not a cut).
 */
export function sniff(
  sourceType: FileSourceType,
  head: Uint8Array,
  tail: Uint8Array,
  complete: boolean,
): SniffResult {
  if (sourceType === 'PARQUET') {
    const starts = Buffer.from(head.subarray(0, 4)).equals(PARQUET_MAGIC);
    const ends = Buffer.from(tail).equals(PARQUET_MAGIC);
    return starts && ends && head.length >= 8
      ? { ok: true }
      : { ok: false, reason: 'The file is not Parquet: it does not start and end with PAR1.' };
  }
  const text = utf8(head, complete);
  if (text === undefined || BINARY.test(text)) {
    // Binary that starts with Parquet's magic is most likely Parquet declared as text.
    if (Buffer.from(head.subarray(0, 4)).equals(PARQUET_MAGIC)) {
      return { ok: false, reason: `The file is Parquet, not ${sourceType}.` };
    }
    return {
      ok: false,
      reason:
        text === undefined
          ? `The file is not ${sourceType} text: it is not valid UTF-8.`
          : `The file is not ${sourceType} text: it contains binary control characters.`,
    };
  }
  const body = text.replace(/^\uFEFF/, '').trimStart();
  if (body.length === 0) {
    return { ok: false, reason: 'The file has no content.' };
  }
  if (sourceType === 'JSON' && !(body.startsWith('{') || body.startsWith('['))) {
    return {
      ok: false,
      reason: 'The file is not JSON: it must start with { or [ (an array or JSON lines).',
    };
  }
  return { ok: true };
}

/** Decodes UTF-8 strictly; a character cut by the end of a partial sample is not an error. */
function utf8(bytes: Uint8Array, complete: boolean): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: !complete });
  } catch {
    return undefined;
  }
}
