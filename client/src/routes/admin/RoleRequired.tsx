import { ROLE_LABEL } from '../../roles';
import type { Role } from '../../schema-types';

/**
 * Shown in place of an admin page to anyone else: before asking (the user's role is known), and
 * when the platform refuses with FORBIDDEN (the role changed since the page loaded).
 */
export function RoleRequired({ role }: { role?: Role }) {
  return (
    <section className="panel panel--centered" data-testid="role-required">
      <p className="eyebrow">Admin only</p>
      <h2>This page needs the admin role</h2>
      <p className="panel__message">
        {role ? `Your role is ${ROLE_LABEL[role].toLowerCase()}. ` : ''}
        An admin can change your role if you need to manage users, API keys or the audit trail.
      </p>
    </section>
  );
}
