/**
 * What an upload request may declare: the transfer plan (one PUT, or S3 multipart within S3's
 * limits), the file name, the content type for each source type and the size. Everything refused
 * is refused with BAD_USER_INPUT and a message a person can read.
 */
import fc from 'fast-check';
import { AppError } from '@platform/runtime';
import {
  MAX_PARTS,
  MAX_SINGLE_PUT_BYTES,
  MEDIA_TYPES,
  MIN_PART_BYTES,
  checkContentType,
  checkFileName,
  checkSize,
  planTransfer,
  type FileSourceType,
  type UploadLimits,
} from './upload-rules';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const defaultLimits: UploadLimits = {
  maxBytes: 10 * GiB,
  singlePutMaxBytes: 64 * MiB,
  partBytes: 16 * MiB,
};

/** The error `fn` throws (the test fails when it throws nothing). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal, got none');
}

/** Refused with BAD_USER_INPUT and a one-line, human message (no stack trace, no code path). */
function expectRefused(fn: () => unknown) {
  const error = thrown(fn);
  expect(error).toBeInstanceOf(AppError);
  const appError = error as AppError;
  expect(appError.code).toBe('BAD_USER_INPUT');
  expect(appError.message).toMatch(/^[A-Z`].*\.$/);
  expect(appError.message).not.toMatch(/\n|\bat .*:\d+:\d+|\.ts\b|Error:/);
  expect(appError.message.length).toBeLessThan(300);
  return appError;
}

/** Checks every S3 rule of a multipart plan for a file of `size` bytes. */
function expectValidMultipart(size: number, limits: UploadLimits) {
  const plan = planTransfer(size, limits);
  if (plan.kind !== 'multipart') throw new Error(`expected multipart for ${size} bytes`);
  const { parts, partBytes } = plan;
  // Plain checks per part, one expect for all: plans have up to 10,000 parts.
  expect(parts.length).toBeGreaterThanOrEqual(1);
  expect(parts.length).toBeLessThanOrEqual(MAX_PARTS);
  expect(parts.every((p, i) => p.partNumber === i + 1)).toBe(true);
  expect(parts.reduce((sum, p) => sum + p.sizeBytes, 0)).toBe(size);
  expect(partBytes).toBeGreaterThanOrEqual(Math.max(MIN_PART_BYTES, limits.partBytes));
  expect(partBytes).toBeLessThanOrEqual(MAX_SINGLE_PUT_BYTES);
  expect(Number.isSafeInteger(partBytes)).toBe(true);
  expect(parts.slice(0, -1).every((p) => p.sizeBytes === partBytes)).toBe(true);
  const last = parts[parts.length - 1]!;
  expect(Number.isSafeInteger(last.sizeBytes)).toBe(true);
  expect(last.sizeBytes).toBeGreaterThanOrEqual(1);
  expect(last.sizeBytes).toBeLessThanOrEqual(partBytes);
}

describe('planTransfer', () => {
  const limitsArb = fc.record({
    maxBytes: fc.constant(10 * GiB),
    singlePutMaxBytes: fc.integer({ min: 1, max: 5 * GiB }),
    partBytes: fc.integer({ min: MIN_PART_BYTES, max: 5 * GiB }),
  });

  it('uses one PUT exactly up to min(singlePutMaxBytes, 5 GiB); else parts S3 accepts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 * GiB }), limitsArb, (size, limits) => {
        const single = size <= Math.min(limits.singlePutMaxBytes, MAX_SINGLE_PUT_BYTES);
        if (single) {
          expect(planTransfer(size, limits)).toEqual({ kind: 'single' });
        } else {
          expectValidMultipart(size, limits);
        }
      }),
    );
  });

  it('grows the part size rather than exceed 10,000 parts (sizes up to the 5 TiB config max)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 * 1024 * GiB }), limitsArb, (size, limits) => {
        if (size > Math.min(limits.singlePutMaxBytes, MAX_SINGLE_PUT_BYTES)) {
          expectValidMultipart(size, limits);
        }
      }),
    );
  });

  // Feature: ai-analytics-platform, Property 3: Large file non-blocking upload
  describe('Feature: ai-analytics-platform, Property 3: Large file non-blocking upload', () => {
    it('sends any file over 100 MB straight to S3 in parts (default limits)', () => {
      fc.assert(
        fc.property(fc.integer({ min: 100_000_000 + 1, max: 10 * GiB }), (size) => {
          expect(planTransfer(size, defaultLimits).kind).toBe('multipart');
          expectValidMultipart(size, defaultLimits);
        }),
      );
    });
  });

  it('plans the boundaries of the default limits', () => {
    expect(planTransfer(64 * MiB, defaultLimits)).toEqual({ kind: 'single' });
    expect(planTransfer(64 * MiB + 1, defaultLimits)).toEqual({
      kind: 'multipart',
      partBytes: 16 * MiB,
      parts: [
        { partNumber: 1, sizeBytes: 16 * MiB },
        { partNumber: 2, sizeBytes: 16 * MiB },
        { partNumber: 3, sizeBytes: 16 * MiB },
        { partNumber: 4, sizeBytes: 16 * MiB },
        { partNumber: 5, sizeBytes: 1 },
      ],
    });
    const largest = planTransfer(10 * GiB, defaultLimits);
    expect(largest.kind === 'multipart' && largest.parts.length).toBe(640);
  });

  it('grows 5 MiB parts of a 5 TiB file to fit 10,000 parts', () => {
    const size = 5 * 1024 * GiB;
    const limits = { maxBytes: size, singlePutMaxBytes: 64 * MiB, partBytes: MIN_PART_BYTES };
    const plan = planTransfer(size, limits);
    expect(plan.kind === 'multipart' && plan.partBytes).toBe(Math.ceil(size / MAX_PARTS));
    expect(plan.kind === 'multipart' && plan.parts.length).toBe(MAX_PARTS);
    expectValidMultipart(size, limits);
  });

  it('never uses one PUT above 5 GiB, whatever singlePutMaxBytes says', () => {
    const limits = { ...defaultLimits, singlePutMaxBytes: 8 * GiB };
    expect(planTransfer(MAX_SINGLE_PUT_BYTES, limits).kind).toBe('single');
    expectValidMultipart(MAX_SINGLE_PUT_BYTES + 1, limits);
  });
});

describe('checkFileName', () => {
  it.each([
    ['empty', ''],
    ['blank', '   '],
    ['a relative path', '../etc/passwd'],
    ['a slash', 'a/b'],
    ['a backslash', 'a\\b'],
    ['a NUL', 'x\u0000y'],
    ['over 255 UTF-8 bytes (128 × é = 256 bytes)', 'é'.repeat(128)],
    ['over 255 bytes once composed (128 × e + U+0301 → 256 bytes)', 'e\u0301'.repeat(128)],
    ['256 ASCII bytes', 'a'.repeat(252) + '.csv'],
    ['.', '.'],
    ['..', '..'],
    ['a lone high surrogate', '\uD800'],
    ['a lone low surrogate', 'data\uDC00.csv'],
    ['a newline', 'sales\n2026.csv'],
    ['a carriage return', 'sales\r.csv'],
    ['a tab', 'sales\t2026.csv'],
    ['an escape', '\u001b[31mred.csv'],
    ['DEL', 'sales\u007f.csv'],
    ['non-breaking spaces only', '\u00a0\u3000'],
  ])('refuses %s', (_what, name) => {
    expectRefused(() => checkFileName(name));
  });

  it.each([
    ['a plain name', 'sales 2026.csv', 'sales 2026.csv'],
    ['255 ASCII bytes', 'a'.repeat(251) + '.csv', 'a'.repeat(251) + '.csv'],
    ['255 bytes of é and a', 'é'.repeat(127) + 'a', 'é'.repeat(127) + 'a'],
    [
      'decomposed é (382 bytes, 255 once composed)',
      'e\u0301'.repeat(127) + 'a',
      'é'.repeat(127) + 'a',
    ],
    ['CJK', '売上データ.csv', '売上データ.csv'],
    ['emoji', '📊 report.json', '📊 report.json'],
    ['a name with dots', '...data.csv', '...data.csv'],
  ])('accepts %s', (_what, name, expected) => {
    expect(checkFileName(name)).toBe(expected);
  });

  it('returns the NFC form of the name', () => {
    expect(checkFileName('Cafe\u0301.csv')).toBe('Caf\u00e9.csv');
  });

  it('accepts only 1-255 UTF-8 bytes without a path or C0/DEL control character', () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.string({ unit: 'grapheme', maxLength: 150 }),
      fc.string({
        unit: fc.constantFrom('a', 'é', '/', '\\', '.', ' ', '\u0000', '\n', '😀', '\uD800'),
      }),
    );
    fc.assert(
      fc.property(text, (name) => {
        let accepted: string;
        try {
          accepted = checkFileName(name);
        } catch (error) {
          expect(error).toBeInstanceOf(AppError);
          expect((error as AppError).code).toBe('BAD_USER_INPUT');
          return;
        }
        const bytes = Buffer.byteLength(accepted, 'utf8');
        expect(bytes).toBeGreaterThanOrEqual(1);
        expect(bytes).toBeLessThanOrEqual(255);
        // eslint-disable-next-line no-control-regex
        expect(accepted).not.toMatch(/[/\\\u0000-\u001f\u007f]/);
        expect(accepted.trim()).not.toBe('');
        expect(accepted).toBe(name.normalize('NFC'));
        // Stored as UTF-8 and read back, it is the same name (no lone surrogate).
        expect(Buffer.from(accepted, 'utf8').toString('utf8')).toBe(accepted);
      }),
      { numRuns: 500 },
    );
  });

  // C1 control characters (U+0080-U+009F, e.g. NEL U+0085 or CSI U+009B) too, not only C0 and DEL.
  it.each([
    ['NEL (U+0085)', 'sales\u0085.csv'],
    ['CSI (U+009B)', '\u009b31mred.csv'],
  ])('refuses the C1 control character %s', (_what, name) => {
    expectRefused(() => checkFileName(name));
  });
});

describe('checkContentType', () => {
  it.each<[FileSourceType, string, string]>([
    ['CSV', 'text/csv; charset=utf-8', 'text/csv; charset=utf-8'],
    ['CSV', 'text/csv', 'text/csv'],
    ['CSV', '  Text/CSV ;charset="UTF-8"  ', 'text/csv; charset="UTF-8"'],
    ['CSV', 'application/vnd.ms-excel', 'application/vnd.ms-excel'],
    ['CSV', 'text/plain', 'text/plain'],
    ['JSON', 'application/json', 'application/json'],
    ['JSON', 'application/x-ndjson', 'application/x-ndjson'],
    ['JSON', 'text/plain; charset=utf-8', 'text/plain; charset=utf-8'],
    ['PARQUET', 'application/vnd.apache.parquet', 'application/vnd.apache.parquet'],
    ['PARQUET', 'application/octet-stream', 'application/octet-stream'],
  ])('accepts for %s: %j', (sourceType, contentType, expected) => {
    expect(checkContentType(contentType, sourceType)).toBe(expected);
  });

  it.each<[FileSourceType, string]>([
    ['CSV', 'image/png'],
    ['CSV', 'application/json'],
    ['JSON', 'text/csv'],
    ['PARQUET', 'text/csv'],
    ['PARQUET', 'application/json'],
  ])('refuses a media type of another kind: %s with %s, saying which are accepted', (type, ct) => {
    const error = expectRefused(() => checkContentType(ct, type));
    expect(error.message).toContain(ct);
    for (const accepted of MEDIA_TYPES[type]) expect(error.message).toContain(accepted);
  });

  it.each([
    ['empty', ''],
    ['blank', '   '],
    ['no subtype', 'text'],
    ['two slashes', 'a/b/c'],
    ['an empty subtype', 'text/'],
    ['a wildcard', '*/*'],
    ['header injection', 'text/csv\r\nX-Evil: 1'],
    ['a NUL', 'text/csv\u0000'],
    ['a parameter without value', 'text/csv; charset'],
    ['an empty parameter', 'text/csv;'],
    ['a parameter with a space in its value', 'text/csv; charset=utf 8'],
    ['an unbalanced quote', 'text/csv; charset="utf-8'],
    ['non-ASCII', 'text/csv; charset=ütf-8'],
    ['over 255 characters', 'text/csv' + '; charset=utf-8'.repeat(17)],
  ])('refuses %s', (_what, contentType) => {
    expectRefused(() => checkContentType(contentType, 'CSV'));
  });

  it('accepts parameters up to 255 characters in all', () => {
    const value = 'text/csv' + '; charset=utf-8'.repeat(16);
    expect(value.length).toBe(248);
    expect(checkContentType(value, 'CSV')).toBe(value);
  });

  it('returns, for any input it accepts, a canonical value it accepts again unchanged', () => {
    const essence = fc
      .constantFrom(...MEDIA_TYPES.CSV)
      .chain((t) => fc.constantFrom(t, t.toUpperCase(), ` ${t}`));
    const parameter = fc
      .tuple(
        fc.stringMatching(/^[A-Za-z0-9_.-]{1,8}$/),
        fc.stringMatching(/^[\w.+-]{1,10}$/),
        fc.boolean(),
        fc.constantFrom(';', '; ', ' ; ', ';  '),
      )
      .map(([name, value, quoted, sep]) => `${sep}${name}=${quoted ? `"${value}"` : value}`);
    // At most 8 parameters: the canonical form adds spaces, see the failing test below.
    const contentType = fc.oneof(
      fc.tuple(essence, fc.array(parameter, { maxLength: 8 })).map(([e, ps]) => e + ps.join('')),
      fc.string({ unit: 'binary', maxLength: 80 }),
    );
    fc.assert(
      fc.property(contentType, (value) => {
        let accepted: string;
        try {
          accepted = checkContentType(value, 'CSV');
        } catch (error) {
          expect(error).toBeInstanceOf(AppError);
          expect((error as AppError).code).toBe('BAD_USER_INPUT');
          return;
        }
        expect(accepted).toMatch(/^[\x21-\x7e]+(; [\x21-\x7e]+)*$/);
        expect(accepted.length).toBeLessThanOrEqual(255);
        expect(MEDIA_TYPES.CSV).toContain(accepted.split(';')[0]);
        expect(checkContentType(accepted, 'CSV')).toBe(accepted);
      }),
      { numRuns: 500 },
    );
  });

  // The value returned (stored in ingestion.uploads.content_type, CHECK length <= 255, and signed)
  // gets a space after every ';': an input that fits only before normalising is refused, not
  // stored too long (a 252-character input would otherwise come back 313 characters long).
  it('refuses an input that is over 255 characters once normalised', () => {
    const value = 'text/csv' + ';a=b'.repeat(61);
    expect(value.length).toBe(252);
    expectRefused(() => checkContentType(value, 'CSV'));
  });

  it('returns at most 255 characters for any input it accepts', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(';a=b', '; a=b', ';charset=utf-8'), { maxLength: 70 }),
        (params) => {
          let result: string | undefined;
          try {
            result = checkContentType(`text/csv${params.join('')}`, 'CSV');
          } catch {
            return;
          }
          expect(result.length).toBeLessThanOrEqual(255);
        },
      ),
    );
  });
});

describe('checkSize', () => {
  it.each([0, -1, 1.5, NaN, Infinity, -Infinity, 2 ** 53, 10 * GiB + 1])('refuses %p', (size) => {
    expectRefused(() => checkSize(size, defaultLimits));
  });

  it('names the limit when the file is too large', () => {
    expect(expectRefused(() => checkSize(10 * GiB + 1, defaultLimits)).message).toContain('10 GiB');
  });

  it('returns any whole size from 1 to maxBytes', () => {
    expect(checkSize(1, defaultLimits)).toBe(1);
    expect(checkSize(10 * GiB, defaultLimits)).toBe(10 * GiB);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 * GiB }), (size) => {
        expect(checkSize(size, defaultLimits)).toBe(size);
      }),
    );
  });
});
