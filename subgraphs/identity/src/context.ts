import { loaderById, type RequestBase, type VerifyToken } from '@platform/runtime';
import type { Sessions } from './sessions';
import type { UserStore } from './store';

export function createContext(
  base: RequestBase,
  deps: { users: UserStore; sessions: Sessions; verify: VerifyToken },
) {
  return {
    ...base,
    sessions: deps.sessions,
    verify: deps.verify,
    users: loaderById((ids) => deps.users.byIds(ids)),
  };
}
export type Context = ReturnType<typeof createContext>;
