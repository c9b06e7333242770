/**
 * Reads a language model's answer to a SQL request: the SQL it wrote, its refusal, or neither.
 * Models wrap SQL in a fenced block, add a sentence around it, or answer bare SQL, whatever the
 * prompt asked; this accepts those forms and nothing else, so prose never reaches the validator
 * dressed up as SQL. Whether the SQL is safe to run is the validator's decision, not this file's.
 */

/** The word the prompt asks a model to answer with when the columns cannot answer a question. */
export const CANNOT_ANSWER = 'CANNOT_ANSWER';

export type ReadAnswer =
  { kind: 'sql'; sql: string } | { kind: 'cannot-answer'; reason: string } | { kind: 'not-sql' };

// Reasons are shown to the person who asked; a model that writes an essay is cut short.
const MAX_REASON_CHARS = 500;
const DEFAULT_REASON = "The data set's columns cannot answer this question.";

// The first fenced block: its info string (language) and its body, up to the next fence.
const FENCE = /```([^\n`]*)\n([\s\S]*?)```/;
const STARTS_LIKE_SQL = /^(select|with)\b/i;

export function sqlFromAnswer(answer: string): ReadAnswer {
  const text = withoutReasoning(answer).trim();

  const refusal = new RegExp(`^[\\W_]*${CANNOT_ANSWER}\\b[\\s:.*_\\-–—]*`).exec(text);
  if (refusal) {
    const reason = text.slice(refusal[0].length).trim();
    return { kind: 'cannot-answer', reason: shorten(reason) || DEFAULT_REASON };
  }

  const fence = FENCE.exec(text);
  if (fence) {
    const language = (fence[1] ?? '').trim().toLowerCase();
    const body = withoutTrailingSemicolons(fence[2] ?? '');
    // A ```sql block is the model's SQL whatever it holds; an unlabelled (or mislabelled) block
    // counts only when it reads like a query.
    if (body && (language === 'sql' || STARTS_LIKE_SQL.test(body)))
      return { kind: 'sql', sql: body };
    return { kind: 'not-sql' };
  }

  const bare = withoutTrailingSemicolons(text);
  return STARTS_LIKE_SQL.test(bare) ? { kind: 'sql', sql: bare } : { kind: 'not-sql' };
}

/**
 * The answer without a leading `<think>...</think>` block: reasoning models served through
 * OpenAI-compatible servers (DeepSeek-R1 on Ollama or vLLM, for one) put their reasoning there.
 */
export function withoutReasoning(answer: string): string {
  return answer.replace(/^\s*<think>[\s\S]*?<\/think>/, '');
}

function withoutTrailingSemicolons(sql: string): string {
  return sql.trim().replace(/[\s;]+$/, '');
}

function shorten(reason: string): string {
  const oneLine = reason.replace(/\s+/g, ' ');
  return oneLine.length > MAX_REASON_CHARS
    ? `${oneLine.slice(0, MAX_REASON_CHARS - 3)}...`
    : oneLine;
}
