/**
 * Picks the verified examples worth showing a model for a question: those sharing the most words
 * with it. Word overlap is crude next to embeddings, but it needs no second model, costs nothing,
 * and gives the same examples for the same question every time, so an answer can be reproduced.
 */
import type { VerifiedExample } from '../engine';

// Words that every question shares; counting them would rank examples by phrasing, not subject.
const STOP_WORDS = new Set(
  `a an the and or of in on at to for by per with from into over under between about as is are was
  were be been do does did what which who whom whose when where how why show me list give get find
  tell all each every this that these those there it its my our your their i we you they than
  then please`.split(/\s+/),
);

/** The distinct, lower-cased content words of a text (letters and digits of any script). */
export function contentWords(text: string): Set<string> {
  const words = text.toLowerCase().split(/[^\p{L}\p{N}]+/u);
  return new Set(words.filter((word) => word !== '' && !STOP_WORDS.has(word)));
}

/**
 * At most `max` examples sharing at least one content word with the question, most shared words
 * first; ties keep the order they were given in. Examples sharing nothing are left out: an
 * unrelated example teaches a model less about the question than it risks being copied.
 */
export function retrieveExamples(
  question: string,
  examples: readonly VerifiedExample[],
  max: number,
): VerifiedExample[] {
  if (max <= 0) return [];
  const asked = contentWords(question);
  return examples
    .map((example, index) => ({ example, index, score: overlap(asked, example.question) }))
    .filter(({ score }) => score > 0)
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, max)
    .map(({ example }) => example);
}

function overlap(asked: Set<string>, question: string): number {
  let shared = 0;
  for (const word of contentWords(question)) if (asked.has(word)) shared += 1;
  return shared;
}
