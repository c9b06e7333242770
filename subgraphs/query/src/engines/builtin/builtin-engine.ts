/**
 * The built-in NL-to-SQL engine: deterministic, offline, grounded in the data set's columns and
 * values. It reads a question into a Plan (recognize → interpret), writes SQL, a chart and an
 * explanation from it, and refuses — with suggestions — what it cannot account for.
 */
import type { DatasetSchema } from '../../dataset-schema';
import type { Engine, Generated } from '../engine';
import { chartFor } from './chart';
import { explainPlan } from './explain';
import { combineFollowUp } from './follow-up';
import { interpret } from './interpret';
import type { Plan } from './plan';
import { recognize } from './recognize';
import { buildIndex, type SchemaIndex } from './schema-index';
import { suggestQuestions } from './suggestions';
import { toSql } from './to-sql';

export const BUILTIN = 'builtin';

export function createBuiltinEngine(options: { now?: () => Date } = {}): Engine & {
  suggestions(schema: DatasetSchema): string[];
} {
  const now = options.now ?? (() => new Date());
  // The index of the last few schemas (one per data set version).
  const indexes = new Map<string, SchemaIndex>();
  const indexOf = (schema: DatasetSchema) => {
    const key = `${schema.datasetId}/v${schema.version}`;
    let index = indexes.get(key);
    if (!index || index.schema !== schema) {
      index = buildIndex(schema);
      indexes.set(key, index);
      if (indexes.size > 64) indexes.delete(indexes.keys().next().value!);
    }
    return index;
  };

  return {
    name: BUILTIN,
    async generate(input): Promise<Generated> {
      const index = indexOf(input.schema);
      const combined = input.previous
        ? combineFollowUp(input.previous.question, input.question, index)
        : null;
      let question = combined ?? input.question;
      let understood = interpret(recognize(question, index), index, now());
      if (combined && understood.kind === 'cannot') {
        // Read with the previous question it fails: read alone, it may not.
        const alone = interpret(recognize(input.question, index), index, now());
        if (alone.kind === 'plan') [question, understood] = [input.question, alone];
      }
      const followed = question === combined;
      if (understood.kind === 'cannot') {
        return {
          kind: 'cannot-answer',
          reason: understood.reason,
          suggestions: suggestQuestions(index),
        };
      }
      const { sql, outputs } = toSql(understood.plan, index);
      return {
        kind: 'sql',
        sql,
        plan: understood.plan,
        chart: chartFor(understood.plan, outputs),
        ...(followed && combined ? { understoodAs: combined } : {}),
      };
    },
    async explain({ plan, result, schema }) {
      if (plan) return explainPlan(plan as Plan, result, schema.rowCount);
      const columns = result.columns.map((c) => c.name).join(', ');
      return `Ran the SQL over the data set's ${schema.rowCount.toLocaleString('en-US')} rows; it returned ${result.rows.length}${result.truncated ? '+' : ''} rows with ${columns}.`;
    },
    suggestions: (schema) => suggestQuestions(indexOf(schema), 6),
  };
}
