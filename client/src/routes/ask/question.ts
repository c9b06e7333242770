/** The question box's rules: its length limit and counter, and which key sends it. */

/** The platform refuses longer questions (`ask`: at most 2000 characters). */
export const MAX_QUESTION_CHARS = 2000;

/** The counter shows from here on, so that the limit never comes as a surprise. */
export const COUNTER_FROM = 1800;

/** "1,850 / 2,000" once the question is near the limit; null before that. */
export function questionCounter(
  length: number,
  locale?: string,
): { text: string; atLimit: boolean } | null {
  if (length < COUNTER_FROM) return null;
  const count = new Intl.NumberFormat(locale);
  return {
    text: `${count.format(length)} / ${count.format(MAX_QUESTION_CHARS)}`,
    atLimit: length >= MAX_QUESTION_CHARS,
  };
}

/** The question as it is sent (trimmed), or null when there is nothing to ask. */
export function readyQuestion(text: string): string | null {
  const question = text.trim();
  return question.length > 0 && question.length <= MAX_QUESTION_CHARS ? question : null;
}

export interface KeyLike {
  key: string;
  shiftKey: boolean;
  /** An input method is composing (Japanese, Chinese, ...): its Enter confirms a word. */
  isComposing: boolean;
}

/** Enter sends the question; Shift+Enter is a new line; Enter while composing is the IME's. */
export function sendsQuestion(event: KeyLike): boolean {
  return event.key === 'Enter' && !event.shiftKey && !event.isComposing;
}
