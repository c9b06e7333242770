/**
 * Access tokens, against the hostile tokens of the identity issue.
 *
 * Feature: ai-analytics-platform, Property 38: JWT token validity period — for any successful
 * login, the token remains valid for exactly 24 hours from issuance.
 * Feature: ai-analytics-platform, Property 36: Invalid token rejection — for any invalid or expired
 * token, the platform answers UNAUTHENTICATED without processing the request.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  SignJWT,
  UnsecuredJWT,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  importJWK,
  type CryptoKey,
} from 'jose';
import { AppError } from '../errors';
import {
  KeySetDocument,
  generateSigningJwk,
  keySetFrom,
  localKeySet,
  publicJwks,
  type KeySet,
} from './keys';
import {
  CLOCK_TOLERANCE_SECONDS,
  TOKEN_LIFETIME_SECONDS,
  issueToken,
  tokenVerifier,
  type Principal,
} from './tokens';

const options = { issuer: 'https://analytics.test/identity', audience: 'analytics-platform' };
const principal: Principal = { userId: randomUUID(), role: 'analyst', tier: 'free' };
let keys: KeySet;
let oldKeys: KeySet;
let attacker: { privateKey: CryptoKey; publicKey: CryptoKey };

beforeAll(async () => {
  const current = await generateSigningJwk('k-2026-11');
  const previous = await generateSigningJwk('k-2026-10');
  keys = await keySetFrom({ signer: 'k-2026-11', keys: [current, previous] });
  oldKeys = await keySetFrom({ signer: 'k-2026-10', keys: [previous] });
  attacker = await generateKeyPair('RS256', { extractable: true });
});

const now = () => Math.floor(Date.now() / 1000);

async function expectUnauthenticated(
  promise: Promise<unknown>,
  message = /not valid|expired|required/,
) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe('UNAUTHENTICATED');
  expect((error as AppError).message).toMatch(message);
}

/** A token with the given claims and header, signed by `key` with RS256. */
function rs256(claims: Record<string, unknown>, header: Record<string, unknown>, key: CryptoKey) {
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', ...header }).sign(key);
}

const validClaims = () => ({
  sub: principal.userId,
  jti: randomUUID(),
  role: 'admin',
  tier: 'premium',
  iss: options.issuer,
  aud: options.audience,
  iat: now(),
  exp: now() + 3600,
});

describe('access tokens', () => {
  it('a fresh token verifies and carries the principal', async () => {
    const { token, expiresAt } = await issueToken(principal, keys, options);
    await expect(tokenVerifier(keys, options)(token)).resolves.toEqual({
      ...principal,
      apiKeyId: undefined,
      tokenId: expect.any(String),
      issuedAt: expect.any(Number),
      expiresAt,
    });
  });

  it('Property 38: valid for exactly 24 hours from issuance, at any issue time', async () => {
    const verify = tokenVerifier(keys, options);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1_600_000_000, max: 2_500_000_000 }),
        fc.integer({ min: 0, max: TOKEN_LIFETIME_SECONDS - 1 }),
        fc.integer({ min: CLOCK_TOLERANCE_SECONDS + 1, max: 10 * TOKEN_LIFETIME_SECONDS }),
        async (issuedAt, within, after) => {
          const { token, expiresAt } = await issueToken(principal, keys, options, issuedAt);
          expect(expiresAt - issuedAt).toBe(TOKEN_LIFETIME_SECONDS);
          const at = (seconds: number) => new Date(seconds * 1000);
          await expect(verify(token, at(issuedAt + within))).resolves.toMatchObject(principal);
          await expectUnauthenticated(verify(token, at(expiresAt + after)), /expired/);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('Property 36: any change to any character of a valid token is rejected', async () => {
    const verify = tokenVerifier(keys, options);
    const { token } = await issueToken(principal, keys, options);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
    await fc.assert(
      fc.asyncProperty(
        // The signature's last character carries unused bits: changing it may not change a byte.
        fc.integer({ min: 0, max: token.length - 2 }),
        fc.constantFrom(...alphabet),
        async (index, replacement) => {
          fc.pre(token[index] !== replacement);
          const tampered = token.slice(0, index) + replacement + token.slice(index + 1);
          await expectUnauthenticated(verify(tampered));
        },
      ),
      { numRuns: 200 },
    );
  });

  describe('hostile tokens are UNAUTHENTICATED', () => {
    const verify = () => tokenVerifier(keys, options);

    it('alg none', async () => {
      const token = new UnsecuredJWT(validClaims()).encode();
      await expectUnauthenticated(verify()(token));
    });

    it('HS256 signed with the public key as the secret', async () => {
      const pem = await exportSPKI(await importPublic(keys));
      const token = await new SignJWT(validClaims())
        .setProtectedHeader({ alg: 'HS256', kid: keys.signer.kid })
        .sign(new TextEncoder().encode(pem));
      await expectUnauthenticated(verify()(token));
    });

    it('unknown kid, and a hostile kid', async () => {
      for (const kid of ['no-such-key', '../../etc/passwd', 'x'.repeat(5000), "' OR 1=1 --"]) {
        const token = await rs256(validClaims(), { kid }, attacker.privateKey);
        await expectUnauthenticated(verify()(token));
      }
    });

    it("the attacker's key in a jwk header, or a jku pointing at the attacker", async () => {
      const jwk = await exportJWK(attacker.publicKey);
      const withJwk = await rs256(
        validClaims(),
        { kid: keys.signer.kid, jwk },
        attacker.privateKey,
      );
      await expectUnauthenticated(verify()(withJwk));
      const withJku = await rs256(
        validClaims(),
        { kid: keys.signer.kid, jku: 'http://127.0.0.1:1/jwks.json' },
        attacker.privateKey,
      );
      await expectUnauthenticated(verify()(withJku));
    });

    it('expired, with the clock-tolerance edge', async () => {
      const t = now();
      const sign = (exp: number) =>
        rs256(
          { ...validClaims(), iat: t - 7200, exp },
          { kid: keys.signer.kid },
          keys.signer.privateKey,
        );
      await expect(verify()(await sign(t - CLOCK_TOLERANCE_SECONDS + 2))).resolves.toBeDefined();
      await expectUnauthenticated(verify()(await sign(t - CLOCK_TOLERANCE_SECONDS - 2)), /expired/);
    });

    it('nbf in the future', async () => {
      const token = await rs256(
        { ...validClaims(), nbf: now() + 600 },
        { kid: keys.signer.kid },
        keys.signer.privateKey,
      );
      await expectUnauthenticated(verify()(token));
    });

    it('no exp, no iat, no sub', async () => {
      for (const missing of ['exp', 'iat', 'sub']) {
        const claims: Record<string, unknown> = validClaims();
        delete claims[missing];
        const token = await rs256(claims, { kid: keys.signer.kid }, keys.signer.privateKey);
        await expectUnauthenticated(verify()(token));
      }
    });

    it('wrong audience or issuer', async () => {
      for (const change of [{ aud: 'another-app' }, { iss: 'https://evil.test' }]) {
        const token = await rs256(
          { ...validClaims(), ...change },
          { kid: keys.signer.kid },
          keys.signer.privateKey,
        );
        await expectUnauthenticated(verify()(token));
      }
    });

    it('an edited payload (viewer promoted to admin) with the original signature', async () => {
      const { token } = await issueToken({ ...principal, role: 'viewer' }, keys, options);
      const [header, payload, signature] = token.split('.');
      const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
      const edited = Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString(
        'base64url',
      );
      await expectUnauthenticated(verify()(`${header}.${edited}.${signature}`));
    });

    it('claims of the wrong shape: a sub that is not a user id, an unknown role', async () => {
      for (const change of [{ sub: 'admin' }, { role: 'root' }, { tier: 'platinum' }]) {
        const token = await rs256(
          { ...validClaims(), ...change },
          { kid: keys.signer.kid },
          keys.signer.privateKey,
        );
        await expectUnauthenticated(verify()(token));
      }
    });

    it('empty, garbage, oversized', async () => {
      for (const token of [
        '',
        'garbage',
        'a.b.c',
        '...',
        'Bearer x',
        'e'.repeat(9000),
        '\u0000.\u0000.\u0000',
      ]) {
        await expectUnauthenticated(verify()(token));
      }
    });
  });

  it('rotation: a token of the previous key verifies while that key is kept, not after', async () => {
    const { token } = await issueToken(principal, oldKeys, options);
    await expect(tokenVerifier(keys, options)(token)).resolves.toMatchObject(principal);
    const withoutOld = await keySetFrom({
      signer: keys.signer.kid,
      keys: [await generateSigningJwk(keys.signer.kid)],
    });
    await expectUnauthenticated(tokenVerifier(withoutOld, options)(token));
  });
});

describe('key sets', () => {
  it('local mode creates one key on first start, private to its owner, and reuses it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keys-'));
    try {
      const first = await localKeySet(join(dir, 'keys'));
      const second = await localKeySet(join(dir, 'keys'));
      expect(second.signer.kid).toBe(first.signer.kid);
      expect(second.signer.publicJwk).toEqual(first.signer.publicJwk);
      expect(statSync(join(dir, 'keys', 'signing-keys.json')).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the public JWKS has every verifying key and no private part', () => {
    const jwks = publicJwks(keys);
    expect(jwks.keys.map((k) => k.kid)).toEqual(['k-2026-11', 'k-2026-10']);
    for (const key of jwks.keys) {
      for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi'])
        expect(key).not.toHaveProperty(secret);
    }
  });

  it('refuses a configuration whose signer is not among its keys, or with a short key', async () => {
    const jwk = await generateSigningJwk('a');
    expect(KeySetDocument.safeParse({ signer: 'b', keys: [jwk] }).success).toBe(false);
    expect(KeySetDocument.safeParse({ signer: 'a', keys: [{ ...jwk, n: 'AQAB' }] }).success).toBe(
      false,
    );
    expect(KeySetDocument.safeParse({ signer: 'a', keys: [jwk, jwk] }).success).toBe(false);
  });
});

async function importPublic(set: KeySet) {
  return (await importJWK(set.signer.publicJwk, 'RS256')) as CryptoKey;
}
