/** identity subgraph: owns `User`. Wiring only. */
import { join } from 'node:path';
import { bootSubgraph, loadSdl, runMain } from '@platform/runtime';
import { createContext } from './context';
import { resolvers } from './resolvers';
import { createUserStore } from './store';

export const typeDefs = loadSdl(join(__dirname, '..'));

export function start(environment?: Record<string, string | undefined>, exitOnShutdown = true) {
  return bootSubgraph({
    name: 'identity',
    typeDefs,
    environment,
    exitOnShutdown,
    setup: ({ pool }) => {
      const users = createUserStore(pool);
      return { resolvers, createContext: (base) => createContext(base, users) };
    },
  });
}

if (require.main === module) runMain('identity', () => start());
