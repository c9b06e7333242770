import { canRunSql, canUpload, hasRole, ROLES } from './roles';

describe('hasRole', () => {
  test('every role has itself and the roles below it, never those above', () => {
    ROLES.forEach((role, rank) => {
      ROLES.forEach((least, leastRank) => {
        expect(hasRole(role, least)).toBe(rank >= leastRank);
      });
    });
  });

  test('analysts and admins may upload; viewers may not', () => {
    expect(canUpload('VIEWER')).toBe(false);
    expect(canUpload('ANALYST')).toBe(true);
    expect(canUpload('ADMIN')).toBe(true);
  });

  test('analysts and admins may run SQL they edited; viewers may not', () => {
    expect(canRunSql('VIEWER')).toBe(false);
    expect(canRunSql('ANALYST')).toBe(true);
    expect(canRunSql('ADMIN')).toBe(true);
  });
});
