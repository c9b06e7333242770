/** insights subgraph: owns `Insight` and adds `Dataset.insights`. Wiring only. */
import { join } from 'node:path';
import { bootSubgraph, loadSdl, runMain } from '@platform/runtime';
import { createContext } from './context';
import { policy, resolvers } from './resolvers';
import { createInsightStore } from './store';

export const typeDefs = loadSdl(join(__dirname, '..'));

export function start(environment?: Record<string, string | undefined>, exitOnShutdown = true) {
  return bootSubgraph({
    name: 'insights',
    typeDefs,
    environment,
    exitOnShutdown,
    setup: ({ pool }) => {
      const store = createInsightStore(pool);
      return { resolvers, policy, createContext: (base) => createContext(base, store) };
    },
  });
}

if (require.main === module) runMain('insights', () => start());
