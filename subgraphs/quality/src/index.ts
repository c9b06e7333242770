/** quality subgraph: owns data profiles and adds `Dataset.profile`. Wiring only. */
import { join } from 'node:path';
import { bootSubgraph, loadSdl, runMain } from '@platform/runtime';
import { createContext } from './context';
import { policy, resolvers } from './resolvers';
import { createQualityStore } from './store';

export const typeDefs = loadSdl(join(__dirname, '..'));

export function start(environment?: Record<string, string | undefined>, exitOnShutdown = true) {
  return bootSubgraph({
    name: 'quality',
    typeDefs,
    environment,
    exitOnShutdown,
    setup: ({ pool }) => {
      const store = createQualityStore(pool);
      return {
        resolvers,
        policy,
        createContext: (base) => createContext(base, store),
        // What this service keeps about a data set goes when the data set does.
        datasetRows: [
          'DELETE FROM quality.profiles WHERE dataset_id = $1',
          'DELETE FROM quality.processing_runs WHERE dataset_id = $1',
        ],
      };
    },
  });
}

if (require.main === module) runMain('quality', () => start());
