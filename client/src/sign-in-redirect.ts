/**
 * The way to the sign-in page and back: why someone was sent there (a fixed set of reasons, each
 * with its sentence, so the URL can never make the page say something we did not write) and where
 * to go after signing in (`next`, accepted only as a path on this origin: no open redirect).
 */

export const SIGN_IN_PATH = '/sign-in';

/** Why the app sent someone to the sign-in page. */
export type SignInReason = 'expired' | 'signed-out' | 'required';

const REASON_MESSAGES: Record<SignInReason, string> = {
  expired: 'Your session has expired. Sign in again.',
  'signed-out': 'You have signed out.',
  required: 'Sign in to continue.',
};

/** The sentence for `?reason=`; null for no reason or one we do not know. */
export function reasonMessage(reason: string | null | undefined): string | null {
  return reason != null && Object.hasOwn(REASON_MESSAGES, reason)
    ? REASON_MESSAGES[reason as SignInReason]
    : null;
}

// Only used to resolve a relative path; never fetched. `.invalid` cannot be a real host.
const PROBE_ORIGIN = 'https://app.invalid';

/** Tab, newline and other C0 controls (and DEL): URL parsers drop or rewrite them. */
function hasControlCharacters(value: string): boolean {
  for (let i = 0; i < value.length; i += 1) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/**
 * `next` when it is a path on this origin (`/datasets?owner=1#top`), otherwise `/`.
 *
 * Refused: absolute URLs (`https://evil.com`), scheme-relative ones (`//evil.com`), and anything
 * with a backslash or a control character, because browsers read `/\evil.com` and `/\t/evil.com`
 * as `//evil.com`. The sign-in page itself is refused too, so signing in cannot loop.
 */
export function safeNextPath(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//')) return '/';
  if (next.includes('\\') || hasControlCharacters(next)) return '/';
  let url: URL;
  try {
    url = new URL(next, PROBE_ORIGIN);
  } catch {
    return '/';
  }
  if (url.origin !== PROBE_ORIGIN) return '/';
  if (url.pathname.replace(/\/+$/, '') === SIGN_IN_PATH) return '/';
  return `${url.pathname}${url.search}${url.hash}`;
}

/** `/sign-in?reason=expired&next=%2Fdatasets`; `next` is left out when it is unsafe or `/`. */
export function signInPath({
  reason,
  next,
}: { reason?: SignInReason; next?: string } = {}): string {
  const params = new URLSearchParams();
  if (reason) params.set('reason', reason);
  const safeNext = safeNextPath(next);
  if (safeNext !== '/') params.set('next', safeNext);
  const query = params.toString();
  return query ? `${SIGN_IN_PATH}?${query}` : SIGN_IN_PATH;
}
