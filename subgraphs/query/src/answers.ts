/**
 * The query flow (design: "Query Flow"): question → engine → SQL checks → warehouse (through the
 * result cache) → explanation → history. The configured model writes the SQL when there is one,
 * gets one repair round when its SQL fails the checks or the warehouse, and the built-in engine
 * answers (marked so) whenever the model is unavailable or fails twice. Invalid SQL never runs.
 */
import { randomUUID } from 'node:crypto';
import { AppError, ErrorCode, badInput, type Logger, type Principal } from '@platform/runtime';
import type { DatasetSchema } from './dataset-schema';
import type { Datasets } from './datasets';
import type { Conversations } from './conversations';
import { BUILTIN } from './engines/builtin/builtin-engine';
import {
  EngineUnavailableError,
  type AskInput,
  type Engine,
  type Generated,
} from './engines/engine';
import type { ResultCache } from './result-cache';
import type { SqlValidator } from './sql/duckdb-validator';
import type { QueryRow, QueryStore } from './store';
import {
  WarehouseError,
  type DatasetVersion,
  type QueryResult,
  type Warehouse,
} from './warehouse/warehouse';

export const MAX_QUESTION_CHARS = 2000;
/** runSql's history entry when no question is given. */
export const EDITED_SQL_QUESTION = 'SQL written or edited by hand';
export const EDITED_ENGINE = 'edited';

export interface Answer {
  status: 'ANSWERED' | 'CANNOT_ANSWER';
  question: string;
  understoodAs: string | null;
  sql: string | null;
  result: QueryResult | null;
  explanation: string | null;
  cached: boolean;
  stale: boolean;
  engine: string;
  /** Why another engine than the configured one answered, when it did. */
  engineNote: string | null;
  chart: Record<string, unknown> | null;
  conversationId: string;
  reason: string | null;
  suggestions: string[];
  saved: QueryRow | null;
}

export interface AnswersOptions {
  datasets: Datasets;
  validator: SqlValidator;
  warehouse: Warehouse;
  cache: ResultCache;
  store: QueryStore;
  conversations: Conversations;
  builtin: Engine & { suggestions(schema: DatasetSchema): string[] };
  /** The configured model, if any. */
  model: Engine | null;
  limits: { maxRows: number; timeoutMs: number; staleAfterMs: number };
  logger: Logger;
}

interface Executed {
  result: QueryResult;
  cached: boolean;
  stale: boolean;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export function createAnswers(options: AnswersOptions) {
  const { validator, warehouse, cache, limits } = options;

  /** Runs checked SQL through the cache; a failing or slow warehouse is covered by a stale copy. */
  async function execute(d: DatasetVersion, sql: string): Promise<Executed> {
    const fresh = await cache.fresh(d, sql, limits.maxRows);
    if (fresh) return { result: fresh.result, cached: true, stale: false };
    const running = warehouse.run(d, sql, { maxRows: limits.maxRows, timeoutMs: limits.timeoutMs });
    const stored = running.then(async (result) => {
      await cache.store(d, sql, limits.maxRows, result);
      return result;
    });
    // Too slow: the last answer to the same SQL, if there is one; the run goes on and refreshes it.
    let settled = false;
    stored.then(
      () => (settled = true),
      () => (settled = true),
    );
    const slow = sleep(limits.staleAfterMs).then(() =>
      settled ? null : cache.stale(d, sql, limits.maxRows),
    );
    try {
      const first = await Promise.race([
        stored.then((result) => ({ result, cached: false, stale: false })),
        slow.then((copy) =>
          copy
            ? { result: copy.result, cached: true, stale: true }
            : stored.then((result) => ({ result, cached: false, stale: false })),
        ),
      ]);
      return first;
    } catch (error) {
      if (error instanceof WarehouseError && error.reason !== 'QUERY_FAILED') {
        const copy = await cache.stale(d, sql, limits.maxRows);
        if (copy) {
          options.logger.warn(
            { err: error, datasetId: d.datasetId },
            'warehouse failed; served a stale answer',
          );
          return { result: copy.result, cached: true, stale: true };
        }
      }
      throw error;
    }
  }

  // SQL that passed the checks, by data set version: the same text against the same columns
  // passes again, so repeated questions skip the parser.
  const passed = new Map<string, string>();
  async function check(
    sql: string,
    schema: DatasetSchema,
  ): Promise<{ sql: string } | { errors: string[] }> {
    const key = `${schema.datasetId}/v${schema.version}\n${sql}`;
    const known = passed.get(key);
    if (known !== undefined) return { sql: known };
    const checked = await validator.validate(sql, schema);
    if (!checked.valid) return { errors: checked.errors };
    passed.set(key, checked.sql);
    if (passed.size > 10_000) passed.delete(passed.keys().next().value!);
    return { sql: checked.sql };
  }

  /** SQL from one engine, checked and run, with the engine's one repair round. */
  async function attempt(engine: Engine, input: AskInput, schema: DatasetSchema) {
    let generated: Generated = await engine.generate(input);
    let repaired = false;
    for (;;) {
      if (generated.kind !== 'sql') return { generated, executed: null, sql: null };
      const checked = await check(generated.sql, schema);
      let errors: string[];
      if ('sql' in checked) {
        try {
          const executed = await execute(schema, checked.sql);
          return { generated, executed, sql: checked.sql };
        } catch (error) {
          if (!(error instanceof WarehouseError) || error.reason !== 'QUERY_FAILED') throw error;
          errors = [error.message];
        }
      } else {
        errors = checked.errors;
      }
      if (repaired || !engine.repair) {
        throw new EngineUnavailableError(
          `The SQL ${engine.name} wrote did not work: ${errors.join(' ')}`,
        );
      }
      repaired = true;
      generated = await engine.repair(input, generated.sql, errors);
    }
  }

  async function explain(engine: Engine, args: Parameters<Engine['explain']>[0]) {
    try {
      return { text: await engine.explain(args), by: engine.name };
    } catch (error) {
      if (!(error instanceof EngineUnavailableError) || engine === options.builtin) throw error;
      options.logger.warn({ err: error }, 'model explanation failed; built-in explanation used');
      return { text: await options.builtin.explain({ ...args, plan: undefined }), by: BUILTIN };
    }
  }

  return {
    async ask(
      viewer: Principal,
      datasetId: string,
      rawQuestion: string,
      conversationId?: string | null,
    ): Promise<Answer> {
      const question = boundedQuestion(rawQuestion);
      if (question.length === 0) throw badInput('The question is empty.');
      const schema = await options.datasets.schemaFor(viewer, datasetId);
      const conversation = conversationId ?? randomUUID();
      const previous = conversationId
        ? await options.conversations.last(viewer.userId, conversationId, datasetId)
        : null;
      const input: AskInput = {
        question,
        schema,
        dialect: warehouse.name,
        previous: previous ?? undefined,
        examples: options.model ? await options.store.verifiedExamples(datasetId, 50) : [],
      };

      let engine: Engine = options.model ?? options.builtin;
      let engineNote: string | null = null;
      let outcome: Awaited<ReturnType<typeof attempt>>;
      try {
        outcome = await attempt(engine, input, schema);
      } catch (error) {
        if (!(error instanceof EngineUnavailableError) || engine === options.builtin)
          throw mapError(error);
        options.logger.warn(
          { err: error, engine: engine.name },
          'model unavailable; built-in engine answers',
        );
        engineNote = `${engine.name} could not answer (${error.message}); the built-in engine answered instead.`;
        engine = options.builtin;
        try {
          outcome = await attempt(engine, input, schema);
        } catch (fallbackError) {
          throw mapError(fallbackError);
        }
      }
      const { generated, executed, sql } = outcome;
      if (generated.kind !== 'sql' || !executed || !sql) {
        const reason =
          generated.kind === 'cannot-answer'
            ? generated.reason
            : 'The question could not be answered.';
        const suggestions =
          generated.kind === 'cannot-answer' && generated.suggestions.length > 0
            ? generated.suggestions
            : options.builtin.suggestions(schema);
        return { ...empty(question, conversation, engine.name, engineNote), reason, suggestions };
      }
      const explanation = await explain(engine, {
        question,
        sql,
        plan: generated.plan,
        result: executed.result,
        schema,
      });
      const understoodAs = generated.understoodAs ?? null;
      const [saved] = await Promise.all([
        options.store.insert({
          userId: viewer.userId,
          datasetId,
          question: (understoodAs ?? question).slice(0, MAX_QUESTION_CHARS),
          sql,
          explanation: explanation.text,
          rowCount: executed.result.rows.length,
          executionTimeMs: executed.result.executionMs,
          engine: engine.name,
        }),
        options.conversations.remember(viewer.userId, conversation, datasetId, {
          question: understoodAs ?? question,
          sql,
        }),
      ]);
      return {
        status: 'ANSWERED',
        question,
        understoodAs,
        sql,
        result: executed.result,
        explanation: explanation.text,
        cached: executed.cached,
        stale: executed.stale,
        engine: engine.name,
        engineNote,
        chart: generated.chart ?? null,
        conversationId: conversation,
        reason: null,
        suggestions: [],
        saved,
      };
    },

    async validateSql(viewer: Principal, datasetId: string, sql: string) {
      const schema = await options.datasets.schemaFor(viewer, datasetId);
      const checked = await check(sql, schema);
      return 'sql' in checked
        ? { valid: true, errors: [] }
        : { valid: false, errors: checked.errors };
    },

    /** SQL a person wrote or edited: checked the same way, run the same way. */
    async runSql(
      viewer: Principal,
      datasetId: string,
      rawSql: string,
      question?: string | null,
    ): Promise<Answer> {
      // Checked before anything runs: nothing is half done when it is refused.
      const text = boundedQuestion(question ?? '') || EDITED_SQL_QUESTION;
      const schema = await options.datasets.schemaFor(viewer, datasetId);
      const checked = await check(rawSql, schema);
      if (!('sql' in checked)) {
        throw new AppError(
          ErrorCode.BAD_USER_INPUT,
          `The SQL cannot run: ${checked.errors.join(' ')}`,
          {
            details: { reason: 'INVALID_SQL', errors: checked.errors },
          },
        );
      }
      let executed: Executed;
      try {
        executed = await execute(schema, checked.sql);
      } catch (error) {
        throw mapError(error);
      }
      const explanation = await explain(options.model ?? options.builtin, {
        question: text,
        sql: checked.sql,
        result: executed.result,
        schema,
      });
      const saved = await options.store.insert({
        userId: viewer.userId,
        datasetId,
        question: text,
        sql: checked.sql,
        explanation: explanation.text,
        rowCount: executed.result.rows.length,
        executionTimeMs: executed.result.executionMs,
        engine: EDITED_ENGINE,
      });
      return {
        ...empty(text, randomUUID(), EDITED_ENGINE, null),
        status: 'ANSWERED',
        sql: checked.sql,
        result: executed.result,
        explanation: explanation.text,
        cached: executed.cached,
        stale: executed.stale,
        saved,
      };
    },

    suggestions: async (viewer: Principal, datasetId: string) =>
      options.builtin.suggestions(await options.datasets.schemaFor(viewer, datasetId)),
  };
}
export type Answers = ReturnType<typeof createAnswers>;

/** A question trimmed, refused when over MAX_QUESTION_CHARS. */
function boundedQuestion(raw: string): string {
  const question = raw.trim();
  if (question.length > MAX_QUESTION_CHARS) {
    throw badInput(
      `The question is ${question.length} characters long; at most ${MAX_QUESTION_CHARS}.`,
    );
  }
  return question;
}

function empty(
  question: string,
  conversationId: string,
  engine: string,
  engineNote: string | null,
): Answer {
  return {
    status: 'CANNOT_ANSWER',
    question,
    understoodAs: null,
    sql: null,
    result: null,
    explanation: null,
    cached: false,
    stale: false,
    engine,
    engineNote,
    chart: null,
    conversationId,
    reason: null,
    suggestions: [],
    saved: null,
  };
}

/** Warehouse failures as client errors with a stable code; anything else passes through. */
function mapError(error: unknown): unknown {
  if (!(error instanceof WarehouseError)) return error;
  switch (error.reason) {
    case 'TIMEOUT':
      return new AppError(
        ErrorCode.BAD_USER_INPUT,
        `${error.message} Narrow it with filters or aggregate more.`,
        {
          details: { reason: 'TIMEOUT' },
        },
      );
    case 'QUERY_FAILED':
      return new AppError(
        ErrorCode.BAD_USER_INPUT,
        `The SQL failed while running: ${error.message}`,
        {
          details: { reason: 'QUERY_FAILED' },
        },
      );
    case 'UNAVAILABLE':
      return new AppError(
        ErrorCode.UPSTREAM_UNAVAILABLE,
        'The data could not be read right now; try again shortly.',
        {
          details: { reason: 'WAREHOUSE_UNAVAILABLE' },
        },
      );
  }
}
