/** ingestion subgraph: owns `Dataset` and `Job`. Wiring only. */
import { join } from 'node:path';
import { bootSubgraph, loadSdl, runMain } from '@platform/runtime';
import { createContext } from './context';
import { policy, resolvers } from './resolvers';
import { createIngestionStore } from './store';

export const typeDefs = loadSdl(join(__dirname, '..'));

export function start(environment?: Record<string, string | undefined>, exitOnShutdown = true) {
  return bootSubgraph({
    name: 'ingestion',
    typeDefs,
    environment,
    exitOnShutdown,
    setup: ({ pool }) => {
      const store = createIngestionStore(pool);
      return { resolvers, policy, createContext: (base) => createContext(base, store) };
    },
  });
}

if (require.main === module) runMain('ingestion', () => start());
