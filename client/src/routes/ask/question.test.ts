import fc from 'fast-check';
import {
  COUNTER_FROM,
  MAX_QUESTION_CHARS,
  questionCounter,
  readyQuestion,
  sendsQuestion,
} from './question';

describe('the question box', () => {
  test('the counter shows only near the limit, and says when the limit is reached', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_QUESTION_CHARS }), (length) => {
        const counter = questionCounter(length, 'en-US');
        expect(counter === null).toBe(length < COUNTER_FROM);
        if (counter) expect(counter.atLimit).toBe(length === MAX_QUESTION_CHARS);
      }),
    );
    expect(questionCounter(1850, 'en-US')?.text).toBe('1,850 / 2,000');
  });

  test('a question is sent trimmed; blank or too long is not sent', () => {
    expect(readyQuestion('  average price by month \n')).toBe('average price by month');
    expect(readyQuestion(' \n\t ')).toBeNull();
    expect(readyQuestion('x'.repeat(MAX_QUESTION_CHARS))).toHaveLength(MAX_QUESTION_CHARS);
    expect(readyQuestion('x'.repeat(MAX_QUESTION_CHARS + 1))).toBeNull();
  });

  test('Enter asks; Shift+Enter is a new line; Enter confirming an IME word is not a question', () => {
    expect(sendsQuestion({ key: 'Enter', shiftKey: false, isComposing: false })).toBe(true);
    expect(sendsQuestion({ key: 'Enter', shiftKey: true, isComposing: false })).toBe(false);
    expect(sendsQuestion({ key: 'Enter', shiftKey: false, isComposing: true })).toBe(false);
    expect(sendsQuestion({ key: 'a', shiftKey: false, isComposing: false })).toBe(false);
  });
});
