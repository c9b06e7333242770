/**
 * Limits every operation must pass before it is planned (graphql-armor): depth, aliases,
 * directives and estimated cost, and, in production, no "did you mean" field suggestions that
 * would let a stranger map the schema. HTTP batching stays off. The lexer-token limit is our own
 * HTTP middleware in front of Apollo (armor's version throws from a plugin hook, which Apollo answers
 * with 500): it counts tokens with graphql-js's lexer, stops at the limit, and answers 400
 * BAD_USER_INPUT. The validation rules also guard graphql-ws subscriptions.
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { Lexer, Source, TokenKind } from 'graphql';
import type { NextFunction, Request, Response } from 'express';
import { ErrorCode } from '@platform/runtime';
import type { GatewayConfig } from './env';

/** True when `query` has more than `limit` lexer tokens (counting stops at the limit). */
export function exceedsTokenLimit(query: string, limit: number): boolean {
  const lexer = new Lexer(new Source(query));
  let count = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) {
      count += 1;
      if (count > limit) return true;
    }
  } catch {
    return false; // a syntax error: graphql-js reports it with its position
  }
  return false;
}

/**
 * Refuses, before Apollo parses it, an operation with more lexer tokens than the limit (in a JSON
 * body or a GET query string): 400 with the platform's error format.
 */
export function tokenLimit(limit: number) {
  return (req: Request, res: Response, next: NextFunction) => {
    const fromBody = (req.body as { query?: unknown } | undefined)?.query;
    const query = typeof fromBody === 'string' ? fromBody : req.query.query;
    if (typeof query !== 'string' || !exceedsTokenLimit(query, limit)) return next();
    res.status(400).json({
      errors: [
        {
          message: `The operation has more than ${limit} tokens; split it into smaller operations.`,
          extensions: {
            code: ErrorCode.BAD_USER_INPUT,
            requestId: req.requestId,
            timestamp: new Date().toISOString(),
          },
        },
      ],
    });
  };
}

export function gatewayArmor(config: GatewayConfig) {
  const armor = new ApolloArmor({
    maxDepth: { n: config.GRAPHQL_MAX_DEPTH, ignoreIntrospection: true, flattenFragments: true },
    maxAliases: { n: config.GRAPHQL_MAX_ALIASES },
    maxTokens: { enabled: false },
    maxDirectives: { n: 50 },
    costLimit: { maxCost: config.GRAPHQL_MAX_COST, ignoreIntrospection: true },
    blockFieldSuggestion: { enabled: config.NODE_ENV === 'production' },
  }).protect();
  return {
    validationRules: armor.validationRules,
    plugins: armor.plugins as ApolloServerPlugin<BaseContext>[],
    tokenLimit: tokenLimit(config.GRAPHQL_MAX_TOKENS),
  };
}
