/**
 * The NL-to-SQL engines behind one interface: the built-in, schema-grounded engine (default, no
 * network) and any OpenAI-compatible model. An engine writes SQL for a question, or says it
 * cannot and suggests questions it can answer; it never runs anything. The caller validates the
 * SQL, runs it, and asks the engine to repair it once if either step failed.
 */
import type { DatasetSchema } from '../dataset-schema';
import type { QueryResult } from '../warehouse/warehouse';

/** A question a person confirmed the SQL answers (few-shot examples for models). */
export interface VerifiedExample {
  question: string;
  sql: string;
}

/** The previous answer in the same conversation, for follow-ups ("and by month?"). */
export interface PreviousTurn {
  question: string;
  sql: string;
  /** The engine's own record of how it understood the question, if it keeps one. */
  plan?: unknown;
}

export interface AskInput {
  question: string;
  schema: DatasetSchema;
  /** SQL dialect of the warehouse that will run the SQL. */
  dialect: 'duckdb' | 'snowflake';
  previous?: PreviousTurn | undefined;
  examples: VerifiedExample[];
}

export type Generated =
  | {
      kind: 'sql';
      sql: string;
      /** Kept with the conversation for follow-ups. */
      plan?: unknown;
      /** A chart the engine suggests for the result (a Vega-Lite spec without data). */
      chart?: Record<string, unknown> | null;
      /** A follow-up read as a whole question ("average price of MSFT by month"). */
      understoodAs?: string;
    }
  | { kind: 'cannot-answer'; reason: string; suggestions: string[] };

export interface Explained {
  question: string;
  sql: string;
  plan?: unknown;
  result: QueryResult;
  schema: DatasetSchema;
}

export interface Engine {
  /** `builtin`, or the configured model's name. */
  readonly name: string;
  generate(input: AskInput): Promise<Generated>;
  /** One more try after `sql` failed validation or execution with `errors`. */
  repair?(input: AskInput, sql: string, errors: string[]): Promise<Generated>;
  /** A plain-language explanation of a result (Property 16). */
  explain(input: Explained): Promise<string>;
}

/** Why a model-backed engine could not be used (unreachable, timed out, answered garbage). */
export class EngineUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EngineUnavailableError';
  }
}
