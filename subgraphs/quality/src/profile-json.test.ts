import { ColumnsJson, IssuesJson } from './profile-json';

describe('profile JSON documents', () => {
  it('parses a column profile and renders min/max as text', () => {
    const [numeric, text] = ColumnsJson.parse([
      {
        name: 'temp_max',
        data_type: 'Float64',
        null_count: 3,
        null_percentage: 0.21,
        unique_count: 67,
        min_value: -1.6,
        max_value: 35.6,
        mean: 16.44,
        std_dev: 7.35,
      },
      {
        name: 'weather',
        data_type: 'Utf8',
        null_count: 0,
        null_percentage: 0,
        unique_count: 5,
        min_value: 'drizzle',
        max_value: 'sun',
      },
    ]);
    expect(numeric).toMatchObject({ min_value: '-1.6', max_value: '35.6', mean: 16.44 });
    expect(text).toMatchObject({
      min_value: 'drizzle',
      max_value: 'sun',
      mean: null,
      std_dev: null,
    });
  });

  it('keeps min/max null for an empty column and renders booleans as text', () => {
    const base = {
      name: 'c',
      data_type: 'Boolean',
      null_count: 0,
      null_percentage: 0,
      unique_count: 0,
    };
    expect(ColumnsJson.parse([{ ...base, min_value: null }])[0]).toMatchObject({
      min_value: null,
      max_value: null,
    });
    expect(ColumnsJson.parse([{ ...base, min_value: false, max_value: true }])[0]).toMatchObject({
      min_value: 'false',
      max_value: 'true',
    });
  });

  it('rejects impossible statistics', () => {
    const base = {
      name: 'c',
      data_type: 'Int64',
      null_count: 0,
      null_percentage: 0,
      unique_count: 1,
    };
    expect(() => ColumnsJson.parse([{ ...base, null_count: -1 }])).toThrow();
    expect(() => ColumnsJson.parse([{ ...base, null_percentage: 101 }])).toThrow();
    expect(() => ColumnsJson.parse([{ ...base, min_value: { nested: 1 } }])).toThrow();
    expect(() => ColumnsJson.parse({})).toThrow();
  });

  it('normalises issue types and severities to the GraphQL enums, in any case', () => {
    expect(
      IssuesJson.parse([
        { column: 'wind', type: 'high_nulls', severity: 'medium', description: '41% missing' },
        { type: 'DUPLICATES', severity: 'Low', description: '12 duplicate rows' },
      ]),
    ).toEqual([
      {
        column: 'wind',
        type: 'HIGH_NULLS',
        severity: 'MEDIUM',
        count: 0,
        description: '41% missing',
      },
      {
        column: null,
        type: 'DUPLICATES',
        severity: 'LOW',
        count: 0,
        description: '12 duplicate rows',
      },
    ]);
  });

  it('rejects an unknown issue type or severity', () => {
    const issue = { column: 'a', type: 'OUTLIERS', severity: 'HIGH', description: 'd' };
    expect(() => IssuesJson.parse([{ ...issue, type: 'TYPO' }])).toThrow();
    expect(() => IssuesJson.parse([{ ...issue, severity: 'CRITICAL' }])).toThrow();
  });

  it('parses the distribution fields the processor writes, numbers and dates alike as text', () => {
    const [day] = ColumnsJson.parse([
      {
        name: 'day',
        data_type: 'date',
        null_count: 0,
        null_percentage: 0,
        unique_count: 3,
        min_value: '2024-01-01',
        max_value: '2024-03-01',
        mean: null,
        std_dev: null,
        quartiles: ['2024-01-15', '2024-02-01', '2024-02-15'],
        histogram: [{ start: '2024-01-01', end: '2024-03-01', count: 3 }],
        outliers: 0,
        sampled: true,
        top_values: null,
        top_values_approximate: false,
        typed_text_count: null,
      },
    ]);
    expect(day).toMatchObject({
      quartiles: ['2024-01-15', '2024-02-01', '2024-02-15'],
      histogram: [{ start: '2024-01-01', end: '2024-03-01', count: 3 }],
      outliers: 0,
      sampled: true,
    });
    const [price] = ColumnsJson.parse([
      {
        name: 'price',
        data_type: 'float',
        null_count: 0,
        null_percentage: 0,
        unique_count: 2,
        min_value: 1.5,
        max_value: 9,
        quartiles: [1.5, 5, 9],
        histogram: [{ start: 1.5, end: 9, count: 2 }],
      },
    ]);
    expect(price).toMatchObject({
      quartiles: ['1.5', '5', '9'],
      histogram: [{ start: '1.5', end: '9', count: 2 }],
      sampled: false,
      top_values: null,
    });
  });
});
