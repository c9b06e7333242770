/** query subgraph: owns `SavedQuery` and adds `Dataset.recentQueries`. Wiring only. */
import { join } from 'node:path';
import { bootSubgraph, loadSdl, runMain } from '@platform/runtime';
import { createContext } from './context';
import { policy, resolvers } from './resolvers';
import { createQueryStore } from './store';

export const typeDefs = loadSdl(join(__dirname, '..'));

export function start(environment?: Record<string, string | undefined>, exitOnShutdown = true) {
  return bootSubgraph({
    name: 'query',
    typeDefs,
    environment,
    exitOnShutdown,
    setup: ({ pool }) => {
      const store = createQueryStore(pool);
      return {
        resolvers,
        policy,
        createContext: (base) => createContext(base, store),
        // What this service keeps about a data set goes when the data set does.
        datasetRows: ['DELETE FROM query.queries WHERE dataset_id = $1'],
      };
    },
  });
}

if (require.main === module) runMain('query', () => start());
