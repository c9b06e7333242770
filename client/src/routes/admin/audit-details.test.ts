import { detailEntries } from './audit-details';

describe('detailEntries', () => {
  test('lists the keys of a JSON object with plain string values', () => {
    expect(detailEntries('{"email":"a@example.test","role":"ANALYST","tier":"FREE"}')).toEqual([
      { key: 'email', value: 'a@example.test' },
      { key: 'role', value: 'ANALYST' },
      { key: 'tier', value: 'FREE' },
    ]);
  });

  test('flattens nested objects with dotted keys and writes other values as JSON', () => {
    expect(
      detailEntries(
        '{"before":{"role":"VIEWER"},"after":{"role":"ADMIN"},"n":2,"ok":true,"x":null,"ids":["a"],"e":{}}',
      ),
    ).toEqual([
      { key: 'before.role', value: 'VIEWER' },
      { key: 'after.role', value: 'ADMIN' },
      { key: 'n', value: '2' },
      { key: 'ok', value: 'true' },
      { key: 'x', value: 'null' },
      { key: 'ids', value: '["a"]' },
      { key: 'e', value: '{}' },
    ]);
  });

  test('an empty object has no entries', () => {
    expect(detailEntries('{}')).toEqual([]);
  });

  test.each([['not json'], ['[1,2]'], ['"text"'], ['42'], ['null'], ['']])(
    'answers null for %j, which is not a JSON object',
    (details) => {
      expect(detailEntries(details)).toBeNull();
    },
  );
});
