/**
 * PostgreSQL text values to Parquet (pg-types.ts, parquet-export.ts): the calendar arithmetic
 * against JavaScript's own, and every mapped type through a real Parquet file and back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ParquetReader } from '@dsnp/parquetjs';
import { getParquetTypeDataObject } from '@dsnp/parquetjs/dist/lib/types';
import fc from 'fast-check';
import { openParquetExport } from './parquet-export';
import { OID, ValueError, columnsOf, daysFromCivil, parseDate, parseTimestamp } from './pg-types';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const DAY_MS = 86_400_000;
/** 0001-01-01 and 9999-12-31, in days since 1970: the years `text` prints. */
const FIRST_DAY = -719_162;
const LAST_DAY = 2_932_896;

/** A date of years 1..9999 as PostgreSQL prints it (ISO), with its JavaScript time. */
const isoDate = fc
  .date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59.999Z') })
  .filter((d) => !Number.isNaN(d.getTime()));
const text = (d: Date) =>
  `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;

describe('calendar', () => {
  it('daysFromCivil agrees with JavaScript dates, years 1 to 9999', () => {
    fc.assert(
      fc.property(isoDate, (d) => {
        const days = daysFromCivil(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
        expect(days).toBe(Math.floor(d.getTime() / DAY_MS));
      }),
    );
  });

  it('reads timestamps to the microsecond, with their offset', () => {
    fc.assert(
      fc.property(
        isoDate,
        fc.integer({ min: 0, max: 999 }),
        fc.integer({ min: -14 * 60, max: 14 * 60 }),
        (d, micros, offsetMinutes) => {
          const clock = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
          const fraction = `${pad(d.getUTCMilliseconds(), 3)}${pad(micros, 3)}`;
          const sign = offsetMinutes < 0 ? '-' : '+';
          const offset = `${sign}${pad(Math.floor(Math.abs(offsetMinutes) / 60))}:${pad(Math.abs(offsetMinutes) % 60)}`;
          const expected =
            BigInt(d.getTime()) * 1000n + BigInt(micros) - BigInt(offsetMinutes) * 60_000_000n;
          expect(parseTimestamp(`${text(d)} ${clock}.${fraction}${offset}`)).toBe(expected);
        },
      ),
    );
  });

  it('reads BC years, years beyond 9999, whole seconds and infinity', () => {
    // 1 BC is year 0; PostgreSQL and JavaScript count the same proleptic Gregorian calendar.
    const bc = new Date(0);
    bc.setUTCFullYear(-43, 2, 15);
    expect(parseDate('0044-03-15 BC')).toBe(Math.round(bc.getTime() / DAY_MS));
    const yearZero = new Date(0);
    yearZero.setUTCFullYear(0, 0, 1);
    expect(parseTimestamp('0001-01-01 00:00:00+00 BC')).toBe(BigInt(yearZero.getTime()) * 1000n);
    expect(parseTimestamp('10000-01-01 00:00:00')).toBe(BigInt(Date.UTC(10000, 0, 1)) * 1000n);
    expect(parseTimestamp('1970-01-01 00:00:00')).toBe(0n);
    expect(parseTimestamp('1969-12-31 23:59:59.999999')).toBe(-1n);
    expect(parseDate('1970-01-01')).toBe(0);
    for (const infinite of ['infinity', '-infinity']) {
      expect(parseDate(infinite)).toBeNull();
      expect(parseTimestamp(infinite)).toBeNull();
    }
    // PostgreSQL's last date fits Parquet's 32-bit days; its last timestamps do not fit 64 bits.
    expect(parseDate('5874897-12-31')).toBe(daysFromCivil(5874897, 12, 31));
    expect(daysFromCivil(5874897, 12, 31)).toBeLessThan(2 ** 31);
    expect(() => parseTimestamp('294276-12-31 23:59:59.999999')).toThrow(ValueError);
    expect(() => parseTimestamp('yesterday')).toThrow(ValueError);
  });
});

describe('columns', () => {
  it('maps type OIDs, everything else as text, and makes repeated names unique', () => {
    const columns = columnsOf([
      { name: 'id', dataTypeID: OID.int4 },
      { name: 'id', dataTypeID: OID.int8 },
      { name: 'id_2', dataTypeID: OID.float8 },
      { name: 'at', dataTypeID: OID.timestamptz },
      { name: 'amount', dataTypeID: 1700 },
      { name: 'shape', dataTypeID: 600 },
    ]);
    expect(columns.map((c) => [c.name, c.field.type, c.field.optional])).toEqual([
      ['id', 'INT32', true],
      ['id_2', 'INT64', true],
      ['id_2_2', 'DOUBLE', true],
      ['at', 'TIMESTAMP_MICROS', true],
      ['amount', 'UTF8', true],
      ['shape', 'UTF8', true],
    ]);
  });
});

describe('through a Parquet file and back', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pg-types-'));
    // Read timestamps back as the stored microseconds (the library's reader rounds to ms).
    getParquetTypeDataObject('TIMESTAMP_MICROS').fromPrimitive = (value: unknown) =>
      BigInt(value as bigint);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Per type: PostgreSQL's text of a random value, and the value the reader should return. */
  const cases: [string, number, fc.Arbitrary<[string, unknown]>][] = [
    ['int2', OID.int2, fc.integer({ min: -32768, max: 32767 }).map((n) => [String(n), n])],
    ['int4', OID.int4, fc.integer().map((n) => [String(n), n])],
    [
      'int8',
      OID.int8,
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((n) => [String(n), n]),
    ],
    [
      'float4',
      OID.float4,
      fc.float({ noNaN: true }).map((n) => [Object.is(n, -0) ? '-0' : String(n), n]),
    ],
    [
      'float8',
      OID.float8,
      fc.double({ noNaN: true }).map((n) => [Object.is(n, -0) ? '-0' : String(n), n]),
    ],
    ['numeric', 1700, fc.stringMatching(/^-?[0-9]{1,40}(\.[0-9]{1,40})?$/).map((s) => [s, s])],
    ['bool', OID.bool, fc.boolean().map((b) => [b ? 't' : 'f', b])],
    ['text', 25, fc.string({ unit: 'grapheme', maxLength: 50 }).map((s) => [s, s])],
    [
      'bytea',
      OID.bytea,
      fc.uint8Array({ maxLength: 40 }).map((b) => {
        const buffer = Buffer.from(b);
        return [`\\x${buffer.toString('hex')}`, buffer];
      }),
    ],
    [
      'date',
      OID.date,
      fc
        .integer({ min: FIRST_DAY, max: LAST_DAY })
        .map((days) => [text(new Date(days * DAY_MS)), new Date(days * DAY_MS)]),
    ],
    [
      'timestamp',
      OID.timestamp,
      fc
        .bigInt({ min: BigInt(FIRST_DAY) * 86_400_000_000n, max: 253_402_300_799_999_999n })
        .map((micros) => {
          const ms = Number(micros / 1000n - (micros % 1000n < 0n ? 1n : 0n));
          const d = new Date(ms);
          const us = ((micros % 1_000_000n) + 1_000_000n) % 1_000_000n;
          const clock = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
          return [`${text(d)} ${clock}.${String(us).padStart(6, '0')}`, micros];
        }),
    ],
  ];

  it.each(cases)('%s values read back as written', async (name, oid, value) => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.option(value, { nil: null }), { maxLength: 30 }),
        async (values) => {
          const file = join(dir, `${name}-${(run += 1)}.parquet`);
          const [column] = columnsOf([{ name, dataTypeID: oid }]);
          const parquet = await openParquetExport(file, [column!]);
          for (const v of values) await parquet.append([v === null ? null : v[0]]);
          await parquet.close();
          const reader = await ParquetReader.openFile(file);
          const cursor = reader.getCursor();
          const read: unknown[] = [];
          for (let row = await cursor.next(); row; row = await cursor.next()) {
            read.push((row as Record<string, unknown>)[name]);
          }
          await reader.close();
          expect(read).toEqual(values.map((v) => (v === null ? null : v[1])));
        },
      ),
      { numRuns: 25 },
    );
  });
});
