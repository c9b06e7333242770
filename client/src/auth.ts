/**
 * Where the app keeps the signed-in user's access token (identity's RS256 JWT). Sign-in arrives
 * in a later release; until then no token is stored and requests go out without one.
 */
const STORAGE_KEY = 'platform.accessToken';

export function accessToken(): string | null {
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage disabled (private mode, sandboxed frame)
  }
}
