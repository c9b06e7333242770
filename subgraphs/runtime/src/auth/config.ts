/** The key set a service signs or verifies with, from its validated auth configuration. */
import { join } from 'node:path';
import { KeySetDocument, keySetFrom, localKeySet, type KeySet } from './keys';

export async function loadKeySet(config: {
  AUTH_SIGNING_KEYS?: unknown;
  AUTH_KEYS_DIR?: string | undefined;
  PLATFORM_DATA_DIR: string;
}): Promise<KeySet> {
  if (config.AUTH_SIGNING_KEYS === undefined) {
    return localKeySet(config.AUTH_KEYS_DIR ?? join(config.PLATFORM_DATA_DIR, 'keys'));
  }
  const document = KeySetDocument.safeParse(config.AUTH_SIGNING_KEYS);
  if (!document.success) {
    const problems = document.error.issues.map(
      (i) => `${i.path.join('.') || '(root)'}: ${i.message}`,
    );
    throw new Error(`AUTH_SIGNING_KEYS is not a valid key set: ${problems.join('; ')}`);
  }
  return keySetFrom(document.data);
}
