/**
 * identity subgraph: owns `User`, signs people in, administers users and API keys, keeps the
 * audit trail, publishes the JWKS. Wiring only.
 */
import { join } from 'node:path';
import express from 'express';
import {
  API_KEY_TOKEN_PATH,
  AppError,
  JWKS_PATH,
  bootSubgraph,
  createRedis,
  envFragments,
  loadKeySet,
  loadSdl,
  publicJwks,
  runMain,
  sendError,
  tokenVerifier,
  cachedVerifier,
} from '@platform/runtime';
import { createAdmin } from './admin';
import { createApiKeyStore } from './api-key-store';
import { createAuditStore } from './audit-store';
import { createContext } from './context';
import { policy, resolvers } from './resolvers';
import { createSessions } from './sessions';
import { createUserStore } from './store';

export const typeDefs = loadSdl(join(__dirname, '..'));
export { JWKS_PATH };

export function start(environment?: Record<string, string | undefined>, exitOnShutdown = true) {
  return bootSubgraph({
    name: 'identity',
    typeDefs,
    environment,
    exitOnShutdown,
    env: { ...envFragments.signing, ...envFragments.redis },
    setup: async ({ pool, config, logger }) => {
      const keys = await loadKeySet(config);
      const tokens = { issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE };
      const redis = createRedis(config.REDIS_URL, logger);
      await redis.connect().catch((error: unknown) => {
        // Sign-in works without Redis; admin changes (which revoke tokens there) fail cleanly.
        logger.warn({ err: error }, 'Redis unreachable at start; retrying in the background');
      });
      const users = createUserStore(pool);
      const apiKeys = createApiKeyStore(pool);
      const audit = createAuditStore(pool);
      const sessions = createSessions(users, apiKeys, keys, tokens, redis);
      const admin = createAdmin({ pool, redis, users, apiKeys, audit });
      const jwks = publicJwks(keys);
      return {
        resolvers,
        policy,
        redis,
        verify: cachedVerifier(tokenVerifier(keys, tokens)),
        createContext: (base) => createContext(base, { users, apiKeys, audit, sessions, admin }),
        close: async () => {
          redis.disconnect();
        },
        routes: (app) => {
          app.get(JWKS_PATH, (_req, res) => {
            res.setHeader('cache-control', 'public, max-age=300');
            res.json(jwks);
          });
          app.post(API_KEY_TOKEN_PATH, express.json({ limit: '4kb' }), async (req, res, next) => {
            try {
              const secret = (req.body as { apiKey?: unknown } | undefined)?.apiKey;
              const token = await sessions.exchangeApiKey(typeof secret === 'string' ? secret : '');
              res.setHeader('cache-control', 'no-store');
              res.json(token);
            } catch (error) {
              if (error instanceof AppError) sendError(req, res, error);
              else next(error);
            }
          });
        },
      };
    },
  });
}

if (require.main === module) runMain('identity', () => start());
