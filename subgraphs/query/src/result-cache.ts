/**
 * Answers cached in Redis by data set version and normalised SQL: a fresh copy for `freshSeconds`
 * (5 minutes) and the last copy for `staleSeconds`, served marked stale when the warehouse fails or
 * is too slow. A version never changes, so a fresh copy is exact; the TTL bounds memory, not
 * correctness. Redis being down costs the cache, never the answer.
 */
import { createHash } from 'node:crypto';
import type { Logger, Redis } from '@platform/runtime';
import type { DatasetVersion, QueryResult } from './warehouse/warehouse';

export interface CachedAnswer {
  result: QueryResult;
  cachedAt: string;
}

/** Whitespace outside quotes collapsed and trailing semicolons dropped: same text, same key. */
export function normalizeSql(sql: string): string {
  let out = '';
  let quote: string | null = null;
  let space = false;
  for (const ch of sql.trim().replace(/[\s;]+$/, '')) {
    if (quote) {
      out += ch;
      if (ch === quote) quote = null;
      continue;
    }
    if (/\s/.test(ch)) {
      space = true;
      continue;
    }
    if (space && out) out += ' ';
    space = false;
    if (ch === "'" || ch === '"') quote = ch;
    out += ch;
  }
  return out;
}

export function createResultCache(options: {
  redis: Redis;
  freshSeconds: number;
  staleSeconds: number;
  logger: Logger;
}) {
  const key = (kind: 'fresh' | 'stale', d: DatasetVersion, sql: string, maxRows: number) => {
    const digest = createHash('sha256')
      .update(`${maxRows}\n${normalizeSql(sql)}`)
      .digest('hex');
    return `query:${kind}:${d.datasetId}:v${d.version}:${digest}`;
  };
  const read = async (k: string): Promise<CachedAnswer | null> => {
    try {
      const text = await options.redis.get(k);
      return text ? (JSON.parse(text) as CachedAnswer) : null;
    } catch (error) {
      options.logger.warn({ err: error }, 'result cache read failed');
      return null;
    }
  };
  return {
    fresh: (d: DatasetVersion, sql: string, maxRows: number) => read(key('fresh', d, sql, maxRows)),
    stale: (d: DatasetVersion, sql: string, maxRows: number) => read(key('stale', d, sql, maxRows)),
    async store(d: DatasetVersion, sql: string, maxRows: number, result: QueryResult) {
      const text = JSON.stringify({ result, cachedAt: new Date().toISOString() });
      try {
        await options.redis
          .multi()
          .set(key('fresh', d, sql, maxRows), text, 'EX', options.freshSeconds)
          .set(key('stale', d, sql, maxRows), text, 'EX', options.staleSeconds)
          .exec();
      } catch (error) {
        options.logger.warn({ err: error }, 'result cache write failed');
      }
    },
  };
}
export type ResultCache = ReturnType<typeof createResultCache>;
