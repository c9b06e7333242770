import { loaderById, type RequestBase } from '@platform/runtime';
import type { Admin } from './admin';
import type { ApiKeyStore } from './api-key-store';
import type { AuditStore } from './audit-store';
import type { Sessions } from './sessions';
import type { UserStore } from './store';

export interface IdentityDeps {
  users: UserStore;
  apiKeys: ApiKeyStore;
  audit: AuditStore;
  sessions: Sessions;
  admin: Admin;
}

export function createContext(base: RequestBase, deps: IdentityDeps) {
  return {
    ...base,
    ...deps,
    userById: loaderById((ids) => deps.users.byIds(ids)),
    /** The caller as an actor of an audited change. */
    actor: async () => ({ principal: await base.principal(), requestId: base.requestId }),
  };
}
export type Context = ReturnType<typeof createContext>;
