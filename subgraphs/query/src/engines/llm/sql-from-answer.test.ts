/** What counts as SQL, as a refusal, or as neither in a model's answer. */
import fc from 'fast-check';
import { sqlFromAnswer } from './sql-from-answer';

describe('SQL in an answer', () => {
  it.each<[string, string, string]>([
    ['a ```sql block', '```sql\nSELECT count(*) FROM data;\n```', 'SELECT count(*) FROM data'],
    ['an upper-case language', '```SQL\nSELECT 1\n```', 'SELECT 1'],
    [
      'a block with a sentence around it',
      'Here is the query:\n```sql\nSELECT city FROM data\n```\nIt lists the cities.',
      'SELECT city FROM data',
    ],
    [
      'an unlabelled block that reads like a query',
      '```\nWITH t AS (SELECT 1 AS x) SELECT x FROM t\n```',
      'WITH t AS (SELECT 1 AS x) SELECT x FROM t',
    ],
    ['bare SQL', '  select city from data ;; \n', 'select city from data'],
    ['bare WITH', 'WITH t AS (SELECT 1) SELECT * FROM t;', 'WITH t AS (SELECT 1) SELECT * FROM t'],
    [
      'a reasoning block first',
      '<think>The user wants a count.</think>\n```sql\nSELECT count(*) FROM data\n```',
      'SELECT count(*) FROM data',
    ],
    ['the first of two blocks', '```sql\nSELECT 1\n```\nor\n```sql\nSELECT 2\n```', 'SELECT 1'],
  ])('is read from %s', (_, answer, sql) => {
    expect(sqlFromAnswer(answer)).toEqual({ kind: 'sql', sql });
  });

  it('keeps what follows a semicolon inside the statement, for the validator to refuse', () => {
    expect(sqlFromAnswer('```sql\nSELECT 1; DROP TABLE data;\n```')).toEqual({
      kind: 'sql',
      sql: 'SELECT 1; DROP TABLE data',
    });
  });
});

describe('answers that are not SQL', () => {
  it.each([
    ['empty', ''],
    ['blank', '  \n '],
    ['prose', 'The average temperature is computed per city.'],
    ['prose mentioning a query', 'You could select the rows from the table.'],
    ['an empty block', '```sql\n;\n```'],
    ['a block in another language', '```python\nprint("hi")\n```'],
    ['an apology', "I'm sorry, I can't help with that."],
  ])('%s', (_, answer) => {
    expect(sqlFromAnswer(answer)).toEqual({ kind: 'not-sql' });
  });
});

describe('refusals', () => {
  it.each<[string, string]>([
    ['CANNOT_ANSWER: the table has no price column.', 'the table has no price column.'],
    ['CANNOT_ANSWER - no dates\nin this table', 'no dates in this table'],
    ['**CANNOT_ANSWER** There is no customer column.', 'There is no customer column.'],
  ])('%j keeps its reason', (answer, reason) => {
    expect(sqlFromAnswer(answer)).toEqual({ kind: 'cannot-answer', reason });
  });

  it('gets a reason when the model gives none', () => {
    expect(sqlFromAnswer('CANNOT_ANSWER')).toEqual({
      kind: 'cannot-answer',
      reason: expect.stringMatching(/cannot answer/),
    });
  });

  it('has its reason cut short', () => {
    const read = sqlFromAnswer(`CANNOT_ANSWER ${'no '.repeat(1000)}`);
    expect(read.kind === 'cannot-answer' && read.reason.length).toBe(500);
  });
});

it('a ```sql block gives its text, trimmed, without trailing semicolons', () => {
  const withoutBackticks = fc
    .string({ unit: 'binary', maxLength: 200 })
    .filter((s) => !s.includes('`'));
  const expected = (s: string) => s.trim().replace(/[\s;]+$/, '');
  fc.assert(
    fc.property(
      withoutBackticks.filter((s) => expected(s) !== ''),
      (s) => {
        expect(sqlFromAnswer('```sql\n' + s + '\n```')).toEqual({ kind: 'sql', sql: expected(s) });
      },
    ),
    { numRuns: 500 },
  );
  // The same with the shapes SQL has (keywords, semicolons, new lines), which random text seldom
  // produces.
  const sqlLike = fc
    .array(fc.constantFrom('SELECT', 'x', ';', ' ', '\n', '\t', "'a'", 'FROM data', '--', '"q"'), {
      minLength: 1,
      maxLength: 30,
    })
    .map((parts) => parts.join(''))
    .filter((s) => expected(s) !== '');
  fc.assert(
    fc.property(sqlLike, (s) => {
      expect(sqlFromAnswer('```sql\n' + s + '\n```')).toEqual({ kind: 'sql', sql: expected(s) });
    }),
  );
});
