/** The audit trail's filter arguments, validated into what the store's query needs. */
import { badInput, requireUuid } from '@platform/runtime';
import type { AuditFilter } from './audit-store';

export interface AuditFilterInput {
  actorId?: string | null;
  action?: string | null;
  targetId?: string | null;
  from?: Date | null;
  to?: Date | null;
}

const ACTION = /^[a-z_]+(\.[a-z_]+)+$/;

export function auditFilter(input: AuditFilterInput | null | undefined): AuditFilter {
  if (!input) return {};
  const action = input.action?.trim() || undefined;
  if (action !== undefined && (action.length > 64 || !ACTION.test(action))) {
    throw badInput('`action` must look like `user.create`.', { action: action.slice(0, 64) });
  }
  const targetId = input.targetId?.trim() || undefined;
  if (targetId !== undefined && targetId.length > 128) {
    throw badInput('`targetId` is at most 128 characters.');
  }
  if (input.from && input.to && input.from >= input.to) {
    throw badInput('`from` must be before `to`.');
  }
  return {
    actorId: input.actorId ? requireUuid('actorId', input.actorId) : undefined,
    action,
    targetId,
    from: input.from ?? undefined,
    to: input.to ?? undefined,
  };
}
