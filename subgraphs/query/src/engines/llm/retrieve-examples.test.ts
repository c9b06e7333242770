/** Which verified examples a question gets, and in what order. */
import fc from 'fast-check';
import type { VerifiedExample } from '../engine';
import { contentWords, retrieveExamples } from './retrieve-examples';

const example = (question: string): VerifiedExample => ({ question, sql: `-- ${question}` });

const examples = [
  example('How many rows are there?'),
  example('Average max temperature by city'),
  example('Total precipitation by month'),
  example('Max temperature in Seattle by month'),
  example('Which weather is most frequent?'),
];

describe('contentWords', () => {
  it('keeps the lower-cased words that carry meaning', () => {
    expect([...contentWords('What is the Average temp_max of Zürich, by month in 2015?')]).toEqual([
      'average',
      'temp',
      'max',
      'zürich',
      'month',
      '2015',
    ]);
  });
});

describe('retrieveExamples', () => {
  it('puts the examples sharing the most words first', () => {
    const chosen = retrieveExamples('max temperature by month in Seattle', examples, 5);
    expect(chosen.map((e) => e.question)).toEqual([
      'Max temperature in Seattle by month', // max, temperature, seattle, month
      'Average max temperature by city', // max, temperature
      'Total precipitation by month', // month
    ]);
  });

  it('keeps the given order between examples sharing as many words', () => {
    const tied = [
      example('rain in Seattle'),
      example('sun in Seattle'),
      example('snow in Seattle'),
    ];
    expect(retrieveExamples('Seattle', tied, 2)).toEqual([tied[0], tied[1]]);
  });

  it('leaves out examples sharing only stop words, or nothing', () => {
    expect(retrieveExamples('What is the wind speed?', examples, 5)).toEqual([]);
  });

  it('returns none when none are allowed', () => {
    expect(retrieveExamples('max temperature', examples, 0)).toEqual([]);
  });

  it('returns at most max examples, all from the given ones, each sharing a word, in score order', () => {
    const words = fc.constantFrom(
      'max',
      'temperature',
      'city',
      'month',
      'rain',
      'the',
      'by',
      'wind',
    );
    const text = fc.array(words, { maxLength: 6 }).map((parts) => parts.join(' '));
    fc.assert(
      fc.property(
        text,
        fc.array(text.map(example), { maxLength: 12 }),
        fc.nat(8),
        (question, given, max) => {
          const chosen = retrieveExamples(question, given, max);
          expect(chosen.length).toBeLessThanOrEqual(max);
          const asked = contentWords(question);
          const shared = (e: VerifiedExample) =>
            [...contentWords(e.question)].filter((w) => asked.has(w)).length;
          for (const e of chosen) {
            expect(given).toContain(e);
            expect(shared(e)).toBeGreaterThan(0);
          }
          for (let i = 1; i < chosen.length; i += 1) {
            expect(shared(chosen[i - 1]!)).toBeGreaterThanOrEqual(shared(chosen[i]!));
          }
          expect(retrieveExamples(question, given, max)).toEqual(chosen);
        },
      ),
    );
  });
});
