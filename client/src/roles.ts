/** Names of roles and plans as people read them, and the order selects list them in. */
import type { Role, Tier } from './schema-types';

/** Least to most powerful, so a select offers the safest choice first. */
export const ROLES: readonly Role[] = ['VIEWER', 'ANALYST', 'ADMIN'];

export const TIERS: readonly Tier[] = ['FREE', 'PREMIUM'];

export const ROLE_LABEL: Record<Role, string> = {
  VIEWER: 'Viewer',
  ANALYST: 'Analyst',
  ADMIN: 'Admin',
};

export const TIER_LABEL: Record<Tier, string> = {
  FREE: 'Free',
  PREMIUM: 'Premium',
};

/** "analyst · premium": the short form the header shows under the user's email. */
export function accessSummary(role: Role, tier: Tier): string {
  return `${ROLE_LABEL[role] ?? role} · ${TIER_LABEL[tier] ?? tier}`.toLowerCase();
}

/** Whether `role` is `least` or more powerful (viewer < analyst < admin). */
export function hasRole(role: Role, least: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(least);
}

/** Bringing data in (uploads) is for analysts and admins; viewers read what others brought. */
export const canUpload = (role: Role): boolean => hasRole(role, 'ANALYST');

/** SQL written or edited by hand (`runSql`) is for analysts and admins; viewers read it. */
export const canRunSql = (role: Role): boolean => hasRole(role, 'ANALYST');
