/**
 * PostgreSQL result columns as Parquet columns. Rows are read in PostgreSQL's text format (every
 * value a string, as the server prints it with the session settings of `SOURCE_SESSION`) and
 * converted here, rather than by node-postgres' parsers, which round timestamps to milliseconds
 * and bigints to doubles.
 *
 * By the field's type OID: int2 / int4 -> INT32, int8 -> INT64, float4 -> FLOAT, float8 -> DOUBLE,
 * bool -> BOOLEAN, date -> DATE (days), timestamp / timestamptz -> TIMESTAMP_MICROS (PostgreSQL
 * keeps microseconds; milliseconds would lose digits), bytea -> BYTE_ARRAY. numeric stays its exact
 * decimal text (UTF8): its precision is unbounded, Parquet's DECIMAL needs one fixed scale. json and
 * jsonb are their text (UTF8): parsing would round large numbers. Every other type (text, varchar,
 * uuid, enums, arrays, intervals...) is its text form as UTF8. Every column is optional.
 */
import type { FieldDefinition } from '@dsnp/parquetjs/dist/lib/declare';

/** Settings that make the text form of values the same on every server. */
export const SOURCE_SESSION = [
  "SET LOCAL TimeZone = 'UTC'",
  "SET LOCAL DateStyle = 'ISO, YMD'",
  "SET LOCAL IntervalStyle = 'postgres'",
  "SET LOCAL bytea_output = 'hex'",
  // The shortest text that reads back as the same float.
  'SET LOCAL extra_float_digits = 1',
];

export const OID = {
  bool: 16,
  bytea: 17,
  int8: 20,
  int2: 21,
  int4: 23,
  float4: 700,
  float8: 701,
  date: 1082,
  timestamp: 1114,
  timestamptz: 1184,
} as const;

export type ParquetValue = string | number | bigint | boolean | Buffer;

export interface Column {
  /** Unique within the file: a repeated result name gets a suffix (`id`, `id_2`). */
  name: string;
  field: FieldDefinition;
  /** The Parquet value of one non-null text value. Throws a ValueError when it has none. */
  convert(text: string): ParquetValue | null;
}

/** A value Parquet cannot hold (a date beyond its range). Its message names the value. */
export class ValueError extends Error {}

const MICROS_PER_DAY = 86_400_000_000n;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

const text = (value: string) => value;

const CONVERTERS: Record<number, Pick<Column, 'field' | 'convert'>> = {
  [OID.int2]: { field: { type: 'INT32', optional: true }, convert: Number },
  [OID.int4]: { field: { type: 'INT32', optional: true }, convert: Number },
  [OID.int8]: { field: { type: 'INT64', optional: true }, convert: BigInt },
  [OID.float4]: { field: { type: 'FLOAT', optional: true }, convert: Number },
  [OID.float8]: { field: { type: 'DOUBLE', optional: true }, convert: Number },
  [OID.bool]: { field: { type: 'BOOLEAN', optional: true }, convert: (value) => value === 't' },
  [OID.bytea]: {
    field: { type: 'BYTE_ARRAY', optional: true },
    convert: (value) => Buffer.from(value.slice(2), 'hex'),
  },
  [OID.date]: { field: { type: 'DATE', optional: true }, convert: parseDate },
  [OID.timestamp]: { field: { type: 'TIMESTAMP_MICROS', optional: true }, convert: parseTimestamp },
  [OID.timestamptz]: {
    field: { type: 'TIMESTAMP_MICROS', optional: true },
    convert: parseTimestamp,
  },
};

const AS_TEXT: Pick<Column, 'field' | 'convert'> = {
  field: { type: 'UTF8', optional: true },
  convert: text,
};

/** The Parquet columns of a result's fields, in order. */
export function columnsOf(fields: { name: string; dataTypeID: number }[]): Column[] {
  const taken = new Set<string>();
  return fields.map((f) => {
    let name = f.name;
    for (let n = 2; taken.has(name); n += 1) name = `${f.name}_${n}`;
    taken.add(name);
    const { field, convert } = CONVERTERS[f.dataTypeID] ?? AS_TEXT;
    return { name, field: { ...field }, convert };
  });
}

const STAMP =
  /^(\d{4,})-(\d\d)-(\d\d)(?: (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?)?(?:([+-])(\d\d)(?::(\d\d))?(?::(\d\d))?)?( BC)?$/;

/**
 * Microseconds since 1970-01-01 UTC of a timestamp or timestamptz in ISO style (timestamptz is
 * printed in UTC, see SOURCE_SESSION); null for infinity and -infinity, which Parquet cannot hold.
 * A timestamp without time zone keeps its wall-clock reading (as if it were UTC).
 */
export function parseTimestamp(value: string): bigint | null {
  if (value === 'infinity' || value === '-infinity') return null;
  const m = STAMP.exec(value);
  if (!m) throw new ValueError(`cannot read the timestamp "${value}"`);
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', sign, oh = '0', om = '0', os = '0'] = m;
  const year = m[12] ? 1 - Number(y) : Number(y);
  const seconds = Number(h) * 3600 + Number(mi) * 60 + Number(s);
  const offset = (sign === '-' ? -1 : 1) * (Number(oh) * 3600 + Number(om) * 60 + Number(os));
  const micros =
    BigInt(daysFromCivil(year, Number(mo), Number(d))) * MICROS_PER_DAY +
    BigInt(seconds - offset) * 1_000_000n +
    BigInt(frac.padEnd(6, '0'));
  if (micros < INT64_MIN || micros > INT64_MAX) {
    throw new ValueError(`the timestamp ${value} is beyond what Parquet can hold`);
  }
  return micros;
}

/** Days since 1970-01-01 of a date in ISO style; null for infinity and -infinity. */
export function parseDate(value: string): number | null {
  if (value === 'infinity' || value === '-infinity') return null;
  const m = STAMP.exec(value);
  if (!m || m[4] !== undefined) throw new ValueError(`cannot read the date "${value}"`);
  const year = m[12] ? 1 - Number(m[1]) : Number(m[1]);
  const days = daysFromCivil(year, Number(m[2]), Number(m[3]));
  if (days < -(2 ** 31) || days >= 2 ** 31) {
    throw new ValueError(`the date ${value} is beyond what Parquet can hold`);
  }
  return days;
}

/**
 * Days from 1970-01-01 to a proleptic Gregorian date (year 0 is 1 BC), exact for any year:
 * Howard Hinnant's days_from_civil. JavaScript's Date would do for most, but not for years
 * before 100 (Date.UTC reads them as 19xx) nor beyond ±275 760.
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}
