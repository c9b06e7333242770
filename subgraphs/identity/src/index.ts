/** identity subgraph: owns `User`, signs people in, publishes the JWKS. Wiring only. */
import { join } from 'node:path';
import {
  bootSubgraph,
  envFragments,
  loadKeySet,
  loadSdl,
  publicJwks,
  runMain,
  tokenVerifier,
} from '@platform/runtime';
import { createContext } from './context';
import { resolvers } from './resolvers';
import { createSessions } from './sessions';
import { createUserStore } from './store';

export const typeDefs = loadSdl(join(__dirname, '..'));
export const JWKS_PATH = '/.well-known/jwks.json';

export function start(environment?: Record<string, string | undefined>, exitOnShutdown = true) {
  return bootSubgraph({
    name: 'identity',
    typeDefs,
    environment,
    exitOnShutdown,
    env: envFragments.auth,
    setup: async ({ pool, config }) => {
      const keys = await loadKeySet(config);
      const tokens = { issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE };
      const users = createUserStore(pool);
      const sessions = createSessions(users, keys, tokens);
      const verify = tokenVerifier(keys, tokens);
      const jwks = publicJwks(keys);
      return {
        resolvers,
        createContext: (base) => createContext(base, { users, sessions, verify }),
        routes: (app) =>
          app.get(JWKS_PATH, (_req, res) => {
            res.setHeader('cache-control', 'public, max-age=300');
            res.json(jwks);
          }),
      };
    },
  });
}

if (require.main === module) runMain('identity', () => start());
