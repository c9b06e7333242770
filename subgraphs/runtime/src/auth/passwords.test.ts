import fc from 'fast-check';
import { SCRYPT, hashPassword, verifyPassword } from './passwords';

describe('password hashes', () => {
  it('for any password: its hash verifies it, a different password does not, salts differ', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 64 }),
        fc.string({ minLength: 1, maxLength: 64 }),
        async (password, other) => {
          fc.pre(password !== other);
          const hash = await hashPassword(password);
          expect(hash).toMatch(
            new RegExp(
              `^scrypt\\$${SCRYPT.log2N}\\$${SCRYPT.r}\\$${SCRYPT.p}\\$[A-Za-z0-9_-]{22}\\$[A-Za-z0-9_-]{43}$`,
            ),
          );
          expect(hash).not.toContain(password.length > 3 ? password : '\u0000');
          await expect(verifyPassword(password, hash)).resolves.toBe(true);
          await expect(verifyPassword(other, hash)).resolves.toBe(false);
          expect(await hashPassword(password)).not.toBe(hash);
        },
      ),
      { numRuns: 4 },
    );
  });

  it('a malformed or hostile stored hash never verifies and never throws', async () => {
    const good = await hashPassword('x');
    const parts = good.split('$');
    for (const stored of [
      '',
      'plain-text-password',
      'bcrypt$2b$10$abc',
      ['scrypt', '30', ...parts.slice(2)].join('$'), // cost an attacker would like us to pay
      ['scrypt', '16', '8', '99', ...parts.slice(4)].join('$'),
      ['scrypt', ...parts.slice(1, 4), 'c2hvcnQ', parts[5]].join('$'), // salt too short
      `${good}$extra`,
    ]) {
      await expect(verifyPassword('x', stored)).resolves.toBe(false);
    }
  });
});
