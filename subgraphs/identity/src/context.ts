import { loaderById, type RequestBase } from '@platform/runtime';
import type { UserStore } from './store';

export function createContext(base: RequestBase, users: UserStore) {
  return { ...base, users: loaderById((ids) => users.byIds(ids)) };
}
export type Context = ReturnType<typeof createContext>;
