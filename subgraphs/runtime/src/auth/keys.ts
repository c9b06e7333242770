/**
 * The signing key set: several RS256 keys verify, exactly one signs (rotation: add a new key, make
 * it the signer, keep the old one verifying until every token it signed has expired, then remove
 * it). Keys come from configuration as private JWKs; in local mode, when none are configured, one
 * is generated on first start into a folder of the data directory and reused afterwards.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { z } from 'zod';

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export interface KeySet {
  /** The key new tokens are signed with. */
  signer: SigningKey;
  /** Every key a token may be verified with (the signer included). */
  verifiers: SigningKey[];
}

const KID = /^[A-Za-z0-9._-]{1,64}$/;

const PrivateJwk = z
  .object({
    kty: z.literal('RSA'),
    kid: z.string().regex(KID, 'kid: 1-64 letters, digits, . _ -'),
    n: z.string().min(300, 'RSA modulus too short: use at least 2048 bits'),
    e: z.string(),
    d: z.string(),
    p: z.string(),
    q: z.string(),
    dp: z.string(),
    dq: z.string(),
    qi: z.string(),
  })
  .passthrough();

/** `{"signer": "<kid>", "keys": [<private RSA JWK with kid>, ...]}`: the AUTH_SIGNING_KEYS format. */
export const KeySetDocument = z
  .object({ signer: z.string().regex(KID), keys: z.array(PrivateJwk).min(1).max(10) })
  .refine((doc) => doc.keys.some((k) => k.kid === doc.signer), {
    message: 'signer must name one of the keys',
  })
  .refine((doc) => new Set(doc.keys.map((k) => k.kid)).size === doc.keys.length, {
    message: 'kids must be unique',
  });
export type KeySetDocument = z.infer<typeof KeySetDocument>;

async function toSigningKey(jwk: z.infer<typeof PrivateJwk>): Promise<SigningKey> {
  const privateKey = (await importJWK({ ...jwk, alg: 'RS256' }, 'RS256')) as CryptoKey;
  const { kty, n, e, kid } = jwk;
  return { kid, privateKey, publicJwk: { kty, n, e, kid, alg: 'RS256', use: 'sig' } };
}

export async function keySetFrom(document: KeySetDocument): Promise<KeySet> {
  const verifiers = await Promise.all(document.keys.map(toSigningKey));
  return { signer: verifiers.find((k) => k.kid === document.signer)!, verifiers };
}

/** A new 2048-bit RS256 key as a private JWK. */
export async function generateSigningJwk(kid: string): Promise<z.infer<typeof PrivateJwk>> {
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  return PrivateJwk.parse({ ...(await exportJWK(privateKey)), kid });
}

/**
 * Local mode: reads `<dir>/signing-keys.json`, creating it (mode 0600) with one new key the first
 * time. Production configures AUTH_SIGNING_KEYS instead and never writes keys to disk.
 */
export async function localKeySet(dir: string): Promise<KeySet> {
  const file = join(dir, 'signing-keys.json');
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const kid = `local-${new Date().toISOString().slice(0, 10)}`;
    const document: KeySetDocument = { signer: kid, keys: [await generateSigningJwk(kid)] };
    writeFileSync(file, JSON.stringify(document, null, 2), { mode: 0o600, flag: 'wx' });
  }
  return keySetFrom(KeySetDocument.parse(JSON.parse(readFileSync(file, 'utf8'))));
}

/** The public JWKS document identity publishes: public parts only, never `d`, `p`, `q`... */
export function publicJwks(keys: KeySet): { keys: JWK[] } {
  return { keys: keys.verifiers.map((k) => ({ ...k.publicJwk })) };
}
