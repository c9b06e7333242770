import fc from 'fast-check';
import type { Json } from '../../schema-types';
import {
  answerSummary,
  cellText,
  chartSpec,
  chartValues,
  isNumericType,
  rowCells,
} from './answer-data';

const columns = [
  { name: 'weather', type: 'VARCHAR' },
  { name: 'avg(temp_max)', type: 'DOUBLE' },
  { name: 'days', type: 'BIGINT' },
];

describe('numeric columns', () => {
  test.each([
    'BIGINT',
    'INTEGER',
    'HUGEINT',
    'DOUBLE',
    'FLOAT',
    'DECIMAL(18,3)',
    'decimal(38, 0)',
    'NUMBER',
    'UBIGINT',
  ])('%s holds numbers', (type) => expect(isNumericType(type)).toBe(true));

  test.each(['VARCHAR', 'DATE', 'TIMESTAMP', 'BOOLEAN', 'INTEGER[]', 'INTERVAL', 'BIGINTEGERS'])(
    '%s does not',
    (type) => expect(isNumericType(type)).toBe(false),
  );
});

describe('chart data', () => {
  test('one object per row, keyed by column name, with integers sent as text made numbers', () => {
    const rows: Json[] = [
      ['sun', 16.4, '714'],
      ['rain', 13.5, '641'],
    ];
    expect(chartValues(columns, rows)).toEqual([
      { weather: 'sun', 'avg(temp_max)': 16.4, days: 714 },
      { weather: 'rain', 'avg(temp_max)': 13.5, days: 641 },
    ]);
  });

  test('text columns keep their text, even when it looks like a number; a short row gets nulls', () => {
    const rows: Json[] = [['007', null]];
    expect(chartValues(columns, rows)).toEqual([
      { weather: '007', 'avg(temp_max)': null, days: null },
    ]);
  });

  test('every row keeps every column, and numeric cells are numbers or null', () => {
    const cell = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
      fc.constant(null),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string(), cell, cell)), (rows) => {
        const values = chartValues(columns, rows);
        expect(values).toHaveLength(rows.length);
        values.forEach((value, i) => {
          expect(Object.keys(value).sort()).toEqual(columns.map((c) => c.name).sort());
          expect(value.weather).toBe(rows[i]![0]);
          for (const name of ['avg(temp_max)', 'days']) {
            expect(value[name] === null || typeof value[name] === 'number').toBe(true);
          }
        });
      }),
    );
  });

  test('the spec gets the rows as data and keeps its own encoding; the original is untouched', () => {
    const chart: Json = Object.freeze({
      mark: { type: 'bar', tooltip: true },
      encoding: Object.freeze({ x: { field: 'weather', type: 'nominal' } }),
    });
    const spec = chartSpec(chart, columns, [['sun', 16.4, '714']], 'Chart of the answer');
    expect(spec).toMatchObject({
      mark: { type: 'bar', tooltip: true },
      encoding: { x: { field: 'weather', type: 'nominal' } },
      description: 'Chart of the answer',
      data: { values: [{ weather: 'sun', 'avg(temp_max)': 16.4, days: 714 }] },
    });
    expect(spec?.encoding).not.toBe((chart as { encoding: unknown }).encoding);
    expect(chart).not.toHaveProperty('data');
  });

  test('no chart, a chart that is not a spec, or no rows: nothing to draw', () => {
    expect(chartSpec(null, columns, [['sun', 1, '1']], 'x')).toBeNull();
    expect(chartSpec('bar', columns, [['sun', 1, '1']], 'x')).toBeNull();
    expect(chartSpec([1, 2], columns, [['sun', 1, '1']], 'x')).toBeNull();
    expect(chartSpec({ mark: 'bar' }, columns, [], 'x')).toBeNull();
  });
});

describe('cells', () => {
  test('numbers are formatted; big integers sent as text stay exact; text is left alone', () => {
    expect(cellText(16.43908, true, 'en-US')).toBe('16.4391');
    expect(cellText('123456789012345678901', true, 'en-US')).toBe('123,456,789,012,345,678,901');
    expect(cellText('2015', true, 'en-US')).toBe('2015');
    expect(cellText('12345', false, 'en-US')).toBe('12345');
    expect(cellText('2015-01-01', false)).toBe('2015-01-01');
    expect(cellText(true, false)).toBe('true');
    expect(cellText([1, 2], false)).toBe('[1,2]');
    expect(cellText(null, true)).toBe('');
  });

  test('a row is padded or cut to the columns', () => {
    expect(rowCells(['a'], 3)).toEqual(['a', null, null]);
    expect(rowCells(['a', 'b', 'c'], 2)).toEqual(['a', 'b']);
    expect(rowCells('not a row', 1)).toEqual([null]);
  });
});

describe('what the answer region announces', () => {
  const answered = {
    status: 'ANSWERED' as const,
    reason: null,
    understoodAs: null,
    rowCount: 5,
    truncated: false,
  };

  test('the number of rows, and what a follow-up was understood as', () => {
    expect(answerSummary(answered, 'en-US')).toBe('Answered with 5 rows.');
    expect(answerSummary({ ...answered, rowCount: 1 }, 'en-US')).toBe('Answered with 1 row.');
    expect(
      answerSummary({ ...answered, truncated: true, rowCount: 1000, understoodAs: 'x by year' }),
    ).toBe('Answered: showing the first 1,000 rows. Understood as: x by year.');
  });

  test('a refusal says why', () => {
    expect(
      answerSummary({
        ...answered,
        status: 'CANNOT_ANSWER',
        reason: 'Nothing in this data set is about life.',
      }),
    ).toBe('The question cannot be answered: Nothing in this data set is about life.');
  });
});
