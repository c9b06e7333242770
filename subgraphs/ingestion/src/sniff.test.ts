/**
 * The cheap check of an uploaded object's first bytes (and, for Parquet, its last 4): Parquet
 * must start and end with PAR1; CSV and JSON must be non-blank UTF-8 text without NUL (JSON
 * starting with { or [), and a character cut by the end of a partial sample is not an error.
 */
import fc from 'fast-check';
import { SNIFF_BYTES, sniff, type SniffResult } from './sniff';
import type { FileSourceType } from './upload-rules';

const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));
const EMPTY = new Uint8Array();
const BOM = [0xef, 0xbb, 0xbf];
const PARQUET = bytes('PAR1\u0015\u0004\u0015\u0010PAR1');
const tailOf = (data: Uint8Array) => data.subarray(Math.max(0, data.length - 4));

/** Sniffs a whole small object the way completeUpload does (head, tail, complete). */
const sniffWhole = (sourceType: FileSourceType, data: Uint8Array) =>
  sniff(sourceType, data.subarray(0, SNIFF_BYTES), tailOf(data), data.length <= SNIFF_BYTES);

const refused = (result: SniffResult) => (result.ok ? undefined : result.reason);

describe('sniff: Parquet', () => {
  it('accepts bytes that start and end with PAR1', () => {
    expect(sniffWhole('PARQUET', bytes('PAR1....PAR1'))).toEqual({ ok: true });
    expect(sniffWhole('PARQUET', PARQUET)).toEqual({ ok: true });
  });

  it('accepts a large object whose sampled head and tail carry the magic', () => {
    const head = new Uint8Array(SNIFF_BYTES).fill(7);
    head.set(bytes('PAR1'));
    expect(sniff('PARQUET', head, bytes('PAR1'), false)).toEqual({ ok: true });
  });

  it.each([
    ['no trailing magic', bytes('PAR1....PAR')],
    ['no leading magic', bytes('PAR....PAR1')],
    ['lower-case magic', bytes('par1....par1')],
    ['only the magic', bytes('PAR1')],
    ['CSV', bytes('id,name\n1,Ada\n')],
    ['JSON', bytes('[{"id":1}]')],
    ['nothing', EMPTY],
  ])('refuses %s declared as PARQUET', (_what, data) => {
    expect(refused(sniffWhole('PARQUET', data))).toBe(
      'The file is not Parquet: it does not start and end with PAR1.',
    );
  });
});

describe('sniff: CSV and JSON text', () => {
  it.each<[FileSourceType, string]>([
    ['CSV', 'id,name\n1,Ada\n'],
    ['CSV', '売上,数量\n東京,3\n'],
    ['CSV', '  \n\tid;name\r\n'],
    ['JSON', '{"id": 1}'],
    ['JSON', '[{"id": 1}, {"id": 2}]'],
    ['JSON', '{"id": 1}\n{"id": 2}\n'],
    ['JSON', '\n  \t[1, 2]'],
  ])('accepts %s: %j', (sourceType, text) => {
    expect(sniffWhole(sourceType, bytes(text))).toEqual({ ok: true });
  });

  it.each<FileSourceType>(['CSV', 'JSON'])('accepts %s after a UTF-8 byte order mark', (type) => {
    const data = new Uint8Array([...BOM, ...bytes(type === 'CSV' ? 'a,b\n1,2\n' : '{"a":1}')]);
    expect(sniffWhole(type, data)).toEqual({ ok: true });
  });

  it.each<[string, number[]]>([
    ['a stray continuation byte', [0x61, 0x80, 0x62]],
    ['an overlong encoding of /', [0xc0, 0xaf]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['Latin-1 text', [...Buffer.from('caf\u00e9,1\n', 'latin1')]],
    ['UTF-16 with its byte order mark', [0xff, 0xfe, 0x61, 0x00, 0x2c, 0x00]],
    ['a NUL byte', [...bytes('id,name\n1,'), 0x00, ...bytes('Ada\n')]],
    ['a PNG image', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]],
  ])('refuses %s as not UTF-8 text', (_what, data) => {
    for (const type of ['CSV', 'JSON'] as const) {
      expect(refused(sniffWhole(type, new Uint8Array(data)))).toMatch(
        new RegExp(
          `^The file is not ${type} text: it (is not valid UTF-8|contains binary control characters)\\.$`,
        ),
      );
    }
  });

  it.each<FileSourceType>(['CSV', 'JSON'])(
    'refuses Parquet bytes declared %s, naming Parquet',
    (t) => {
      expect(refused(sniffWhole(t, PARQUET))).toBe(`The file is Parquet, not ${t}.`);
    },
  );

  it.each(['id,name', 'null', '"text"', '42', 'PAR', '<xml/>'])(
    'refuses JSON that starts with neither { nor [: %j',
    (text) => {
      expect(refused(sniffWhole('JSON', bytes(text)))).toMatch(/^The file is not JSON: .*\{ or \[/);
    },
  );

  it.each(['', ' ', '\n\r\n\t', '\uFEFF  \n', '\u00a0\u2028\u3000'])(
    'refuses blank content %j',
    (text) => {
      for (const type of ['CSV', 'JSON'] as const) {
        expect(refused(sniffWhole(type, bytes(text)))).toBe('The file has no content.');
      }
    },
  );

  it('accepts a multi-byte character cut by the end of a partial sample, not of a whole file', () => {
    for (const char of ['é', '€', '😀']) {
      const encoded = bytes(`name\n${char}`);
      for (let cut = 1; cut < Buffer.byteLength(char); cut += 1) {
        const head = encoded.subarray(0, encoded.length - cut);
        expect(sniff('CSV', head, EMPTY, false)).toEqual({ ok: true });
        expect(refused(sniff('CSV', head, EMPTY, true))).toBe(
          'The file is not CSV text: it is not valid UTF-8.',
        );
      }
    }
  });

  it('refuses invalid UTF-8 inside a partial sample', () => {
    expect(sniff('CSV', new Uint8Array([0x61, 0xff, 0x62]), EMPTY, false).ok).toBe(false);
  });

  it('accepts any non-blank UTF-8 text without NUL as CSV', () => {
    const text = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 200 })
      .filter((s) => s.trim().length > 0 && !s.includes('\u0000') && !s.startsWith('PAR1'));
    fc.assert(
      fc.property(text, (s) => {
        expect(sniffWhole('CSV', bytes(s))).toEqual({ ok: true });
      }),
      { numRuns: 500 },
    );
  });

  it('accepts any cut of such text as a partial sample once its first visible character is in', () => {
    const text = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 100 })
      .filter((s) => s.trim().length > 0 && !s.includes('\u0000') && !s.startsWith('PAR1'));
    const sample = text.chain((s) => {
      const data = bytes(s);
      const firstVisible = /\S/u.exec(s)!;
      const minCut = Buffer.byteLength(s.slice(0, firstVisible.index + firstVisible[0].length));
      return fc.tuple(fc.constant(data), fc.integer({ min: minCut, max: data.length }));
    });
    fc.assert(
      fc.property(sample, ([data, cut]) => {
        expect(sniff('CSV', data.subarray(0, cut), EMPTY, false)).toEqual({ ok: true });
      }),
      { numRuns: 500 },
    );
  });

  // Text that happens to start with Parquet's magic is still text.
  it('accepts a CSV whose first column is named PAR1', () => {
    expect(sniffWhole('CSV', bytes('PAR1,PAR2\n1,2\n'))).toEqual({ ok: true });
  });
});
