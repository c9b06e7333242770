/** Source passwords at rest: AES-256-GCM bound to the job, and the local key file. */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { loadCredentialsKey, localCredentialsKey, open, seal } from './credentials-key';

const key = Buffer.alloc(32, 7);

describe('seal and open', () => {
  it('round-trip any password; the ciphertext never contains it', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 200 }), fc.uuid(), (password, jobId) => {
        const sealed = seal(key, password, jobId);
        expect(open(key, sealed, jobId)).toBe(password);
        expect(sealed.iv).toHaveLength(12);
        expect(sealed.tag).toHaveLength(16);
        if (password.length >= 4) {
          expect(sealed.ciphertext.includes(Buffer.from(password, 'utf8'))).toBe(false);
        }
      }),
    );
  });

  it('refuses another job, another key, or a changed byte', () => {
    const sealed = seal(key, 'secret', 'job-a');
    expect(() => open(key, sealed, 'job-b')).toThrow();
    expect(() => open(Buffer.alloc(32, 8), sealed, 'job-a')).toThrow();
    const tampered = { ...sealed, ciphertext: Buffer.from(sealed.ciphertext) };
    tampered.ciphertext[0]! ^= 1;
    expect(() => open(key, tampered, 'job-a')).toThrow();
    // The same password twice: different ciphertexts (a fresh IV each time).
    expect(seal(key, 'secret', 'job-a').ciphertext.equals(sealed.ciphertext)).toBe(false);
  });
});

describe('the key', () => {
  it('locally: generated once into the data folder, 0600, then reused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'import-key-'));
    const config = { NODE_ENV: 'development', PLATFORM_DATA_DIR: dir };
    const first = loadCredentialsKey(config);
    expect(first).toHaveLength(32);
    const file = join(dir, 'keys', 'import-credentials.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadCredentialsKey(config).equals(first)).toBe(true);
    expect(localCredentialsKey(join(dir, 'keys')).equals(first)).toBe(true);
    expect(Buffer.from(readFileSync(file, 'utf8'), 'base64').equals(first)).toBe(true);
  });

  it('configured: used as given; required in production', () => {
    const dir = mkdtempSync(join(tmpdir(), 'import-key-'));
    expect(
      loadCredentialsKey({
        NODE_ENV: 'production',
        PLATFORM_DATA_DIR: dir,
        IMPORT_CREDENTIALS_KEY: key,
      }),
    ).toBe(key);
    expect(() => loadCredentialsKey({ NODE_ENV: 'production', PLATFORM_DATA_DIR: dir })).toThrow(
      /IMPORT_CREDENTIALS_KEY is required in production/,
    );
  });
});
