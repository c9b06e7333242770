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
      { column: 'wind', type: 'HIGH_NULLS', severity: 'MEDIUM', description: '41% missing' },
      { column: null, type: 'DUPLICATES', severity: 'LOW', description: '12 duplicate rows' },
    ]);
  });

  it('rejects an unknown issue type or severity', () => {
    const issue = { column: 'a', type: 'OUTLIERS', severity: 'HIGH', description: 'd' };
    expect(() => IssuesJson.parse([{ ...issue, type: 'TYPO' }])).toThrow();
    expect(() => IssuesJson.parse([{ ...issue, severity: 'CRITICAL' }])).toThrow();
  });
});
