import {
  contentTypeFor,
  extensionOf,
  fileProblem,
  guessSourceType,
  MAX_UPLOAD_BYTES,
} from './upload-file';

describe('guessSourceType', () => {
  test.each([
    ['sales.csv', 'CSV'],
    ['SALES.CSV', 'CSV'],
    ['events.json', 'JSON'],
    ['events.jsonl', 'JSON'],
    ['events.ndjson', 'JSON'],
    ['table.parquet', 'PARQUET'],
    ['archive.2026.Parquet', 'PARQUET'],
  ])('%s is %s', (name, type) => {
    expect(guessSourceType(name)).toBe(type);
  });

  test.each([['notes.txt'], ['README'], ['.csv'], ['data.csv.gz'], ['data.'], ['']])(
    '%j suggests no type',
    (name) => {
      expect(guessSourceType(name)).toBeNull();
    },
  );
});

describe('extensionOf', () => {
  test('the part after the last dot, lower-cased; none for hidden files or no dot', () => {
    expect(extensionOf('a.b.CSV')).toBe('csv');
    expect(extensionOf('.env')).toBe('');
    expect(extensionOf('Makefile')).toBe('');
  });
});

describe('contentTypeFor', () => {
  test('the canonical type of each source type, whatever the browser said', () => {
    expect(contentTypeFor('CSV', 'sales.csv')).toBe('text/csv');
    expect(contentTypeFor('PARQUET', 'table.parquet')).toBe('application/vnd.apache.parquet');
    expect(contentTypeFor('JSON', 'events.json')).toBe('application/json');
  });

  test('JSON lines files say so', () => {
    expect(contentTypeFor('JSON', 'events.jsonl')).toBe('application/x-ndjson');
    expect(contentTypeFor('JSON', 'events.NDJSON')).toBe('application/x-ndjson');
  });

  test('follows the type the user chose, not the extension', () => {
    expect(contentTypeFor('CSV', 'export.txt')).toBe('text/csv');
    expect(contentTypeFor('PARQUET', 'data.csv')).toBe('application/vnd.apache.parquet');
  });
});

describe('fileProblem', () => {
  test('an empty file is refused, with its name', () => {
    expect(fileProblem({ name: 'empty.csv', size: 0 })).toBe(
      'empty.csv is empty: there is nothing to upload.',
    );
  });

  test('a file over the limit is refused; one at the limit is fine', () => {
    expect(fileProblem({ name: 'big.csv', size: MAX_UPLOAD_BYTES })).toBeNull();
    expect(fileProblem({ name: 'big.csv', size: MAX_UPLOAD_BYTES + 1 })).toBe(
      'big.csv is larger than the limit of 10 GiB.',
    );
    expect(fileProblem({ name: 'b.csv', size: 2 * 1024 ** 3 }, 1.5 * 1024 ** 3)).toBe(
      'b.csv is larger than the limit of 1.5 GiB.',
    );
  });
});
